import { describe, expect, it } from 'vitest';
import { directionForUnit, parseDecimal } from '@envoy/result-formats';

describe('directionForUnit', () => {
  it.each([
    ['ns', 'smaller-is-better'],
    ['µs', 'smaller-is-better'],
    ['us', 'smaller-is-better'],
    ['ms', 'smaller-is-better'],
    ['s', 'smaller-is-better'],
    ['seconds', 'smaller-is-better'],
    ['cycles/iter', 'smaller-is-better'],
    ['ns/op', 'smaller-is-better'],
    ['J/inference', 'smaller-is-better'],
    ['MiB', 'smaller-is-better'],
    ['bytes', 'smaller-is-better'],
    ['W', 'smaller-is-better'],
    ['cycles', 'smaller-is-better'],
    ['items/s', 'bigger-is-better'],
    ['tokens per second', 'bigger-is-better'],
    ['infer/sec', 'bigger-is-better'],
    ['GB/s', 'bigger-is-better'],
    ['1/s', 'bigger-is-better'],
    ['QPS', 'bigger-is-better'],
    ['GHz', 'bigger-is-better'],
    ['GFLOPS', 'bigger-is-better'],
    ['samples/batch', 'bigger-is-better'],
    ['%', 'bigger-is-better'],
    ['', 'bigger-is-better'],
    ['ratio', 'bigger-is-better'],
  ])('%j is %s', (unit, direction) => {
    expect(directionForUnit(unit)).toBe(direction);
  });
});

describe('parseDecimal', () => {
  it.each([
    ['12', 12],
    [' -0.5 ', -0.5],
    ['1.2e-3', 0.0012],
    ['.5', 0.5],
    ['1,234.5', 1234.5],
    ['12,345,678', 12345678],
    ['+3', 3],
  ])('reads %j as %d', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each(['', 'NaN', 'inf', 'Infinity', '1,23', '12a', '1.2.3', '0x10', ',123', '1 000'])(
    'rejects %j',
    (text) => {
      expect(parseDecimal(text)).toBeUndefined();
    },
  );
});

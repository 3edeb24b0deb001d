import { describe, expect, it } from 'vitest';
import { coefficientOfVariation, summariseLatencies } from '../src/index.js';

describe('summariseLatencies', () => {
  it('interpolates percentiles between ranks, as NumPy does, over 1..100 ms', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    const summary = summariseLatencies(samples);

    expect(summary).toMatchObject({ p50: 50.5, mean: 50.5, min: 1, max: 100 });
    expect(summary.p90).toBeCloseTo(90.1, 10);
    expect(summary.p95).toBeCloseTo(95.05, 10);
    expect(summary.p99).toBeCloseTo(99.01, 10);
  });

  it('leaves the caller’s array in its order', () => {
    const samples = [3, 1, 2];
    summariseLatencies(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('refuses an empty sample set', () => {
    expect(() => summariseLatencies([])).toThrow(/no samples/);
  });
});

describe('coefficientOfVariation', () => {
  it.each([
    [[10, 10, 10], 0],
    [[9, 11], Math.SQRT2 / 10],
    [[1, 2, 3, 4], 1.290_994_448_735_805_6 / 2.5],
  ])('of %j is %d', (values, expected) => {
    expect(coefficientOfVariation(values)).toBeCloseTo(expected, 12);
  });

  it.each([[[]], [[5]], [[0, 0]]])('refuses %j', (values) => {
    expect(() => coefficientOfVariation(values)).toThrow(RangeError);
  });
});

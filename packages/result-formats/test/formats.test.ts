import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import {
  RESULT_FORMATS,
  parseBenchmarkOutput,
  resultFormatFromName,
  type ResultFormat,
} from '@envoy/result-formats';
import { fixture } from './fixtures.js';

describe('resultFormatFromName', () => {
  it.each([
    ['envoy', 'envoy'],
    ['perf-analyzer', 'perf-analyzer'],
    ['customSmallerIsBetter', 'custom-smaller-is-better'],
    ['customBiggerIsBetter', 'custom-bigger-is-better'],
    ['pytest', 'pytest-benchmark'],
    ['googlecpp', 'google-benchmark'],
  ])('takes %s as %s', (name, format) => {
    expect(resultFormatFromName(name)).toBe(format);
  });

  it('names the field and the valid formats for an unknown one', () => {
    expect(() => resultFormatFromName('csv', 'benchmark.command.format')).toThrow(
      /benchmark\.command\.format: unknown result format "csv"; expected one of envoy, github-action-benchmark/,
    );
    expect(() => resultFormatFromName('toString')).toThrow(UserError);
  });

  it('lists every format it parses', () => {
    for (const format of RESULT_FORMATS) expect(resultFormatFromName(format)).toBe(format);
  });
});

describe('every format', () => {
  const samples: Array<[ResultFormat, string]> = [
    ['envoy', 'envoy-wrapped.json'],
    ['github-action-benchmark', 'custom-benchmark.json'],
    ['custom-smaller-is-better', 'custom-benchmark.json'],
    ['custom-bigger-is-better', 'custom-benchmark.json'],
    ['pytest-benchmark', 'pytest-benchmark.json'],
    ['google-benchmark', 'google-benchmark.json'],
    ['perf-analyzer', 'perf-analyzer.csv'],
    ['mlperf-loadgen', 'mlperf-offline.txt'],
  ];

  it.each(samples)('%s gives snake_case, measured, finite metrics', (format, file) => {
    const metrics = parseBenchmarkOutput(format, fixture(file), file);
    expect(Object.keys(metrics).length).toBeGreaterThan(2);
    for (const [name, metric] of Object.entries(metrics)) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(Number.isFinite(metric.value)).toBe(true);
      expect(metric.source).toBe('measured');
    }
  });

  it.each(samples)('%s refuses an empty file, naming it', (format) => {
    expect(() => parseBenchmarkOutput(format, '', 'out/empty.txt')).toThrow(/^out\/empty\.txt/);
  });

  it('ignores a byte order mark', () => {
    const text = '\uFEFF' + fixture('envoy-bare.json');
    expect(parseBenchmarkOutput('envoy', text, 'bom.json').accuracy?.value).toBe(0.87);
  });

  it('refuses a format it does not know', () => {
    expect(() => parseBenchmarkOutput('junit' as ResultFormat, '{}', 'x.json')).toThrow(
      /unknown result format "junit"/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import { parseBenchmarkOutput, type ResultFormat } from '@envoy/result-formats';
import { fixture } from './fixtures.js';

function parse(format: ResultFormat, file: string) {
  return parseBenchmarkOutput(format, fixture(file), file);
}

function errorOf(format: ResultFormat, text: string, source = 'bench.json'): UserError {
  try {
    parseBenchmarkOutput(format, text, source);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('envoy', () => {
  it.each([
    ['latency_p50_ms', 1.25, 'ms', 'smaller-is-better'],
    ['throughput', 812.5, 'inferences/s', 'bigger-is-better'],
    ['f1', 0.913, '', 'bigger-is-better'],
    ['word_error_rate', 0.071, '', 'smaller-is-better'],
    ['peak_memory', 1048576, 'bytes', 'smaller-is-better'],
  ])('wrapped: %s = %d %s, %s', (name, value, unit, direction) => {
    expect(parse('envoy', 'envoy-wrapped.json')[name]).toEqual({
      value,
      unit,
      direction,
      source: 'measured',
    });
  });

  it.each([
    ['latency_p99_ms', 4.5, 'ms', 'smaller-is-better'],
    ['startup_s', 0.8, 's', 'smaller-is-better'],
    ['tokens_per_second', 1520, '1/s', 'bigger-is-better'],
    ['accuracy', 0.87, '', 'bigger-is-better'],
  ])('bare numbers: %s = %d, unit %j from the name, %s', (name, value, unit, direction) => {
    expect(parse('envoy', 'envoy-bare.json')[name]).toMatchObject({ value, unit, direction });
  });

  it('keeps only the metrics when other keys sit beside them', () => {
    expect(Object.keys(parse('envoy', 'envoy-wrapped.json'))).not.toContain('tool');
  });

  it.each([
    ['{"metrics": {"f1": "high"}}', 'bench.json: metrics.f1: expected a number, found "high"'],
    ['{"metrics": {"f1": {"value": null}}}', 'metrics.f1.value: expected a number, found null'],
    ['{"f1": {"value": 1, "unit": 5}}', 'f1.unit: expected a string, found 5'],
    [
      '{"f1": {"value": 1, "direction": "up"}}',
      'f1.direction: expected smaller-is-better or bigger-is-better, found "up"',
    ],
    ['{"metrics": [1, 2]}', 'bench.json: metrics: expected an object, found [1,2]'],
    ['[1, 2]', 'bench.json: top level: expected an object, found [1,2]'],
    ['{"p 99": 1}', '"p 99" is not a metric name'],
    ['{}', 'bench.json: no metrics found in the Envoy results JSON'],
    ['{"f1": 0.9,\n "loss": }', 'bench.json: not valid JSON'],
    ['{"f1": NaN}', 'JSON has no NaN or Infinity'],
    ['{"f1": 0.9 "loss": 1}', 'not valid JSON at line 1, column 12'],
  ])('refuses %s', (text, message) => {
    const error = errorOf('envoy', text);
    expect(error.message).toContain(message);
    expect(error.location?.file).toBe('bench.json');
  });

  it('puts the JSON path in the error location', () => {
    expect(errorOf('envoy', '{"metrics": {"f1": "x"}}').location?.field).toBe('metrics.f1');
  });
});

describe('github-action-benchmark', () => {
  it.each([
    ['github-action-benchmark', 'inference_latency_batch_1', 'smaller-is-better'],
    ['github-action-benchmark', 'throughput_batch_32', 'bigger-is-better'],
    ['custom-smaller-is-better', 'throughput_batch_32', 'smaller-is-better'],
    ['custom-bigger-is-better', 'inference_latency_batch_1', 'bigger-is-better'],
  ] as const)('%s: %s is %s', (format, name, direction) => {
    expect(parse(format, 'custom-benchmark.json')[name]?.direction).toBe(direction);
  });

  it('keeps each unit and reads thousands separators', () => {
    const metrics = parse('github-action-benchmark', 'custom-benchmark.json');
    expect(metrics.inference_latency_batch_1).toMatchObject({ value: 3.42, unit: 'ms' });
    expect(metrics.peak_rss).toMatchObject({ value: 512, unit: 'MiB' });
    expect(metrics.throughput_batch_32).toMatchObject({ value: 12480.5, unit: 'samples/s' });
  });

  it.each([
    ['{"name": "x", "unit": "ms", "value": 1}', 'top level: expected an array'],
    ['[{"unit": "ms", "value": 1}]', 'bench.json: [0].name: expected a non-empty string'],
    [
      '[{"name": "a", "unit": "ms", "value": "fast"}]',
      '[0].value: expected a number, found "fast"',
    ],
    ['[{"name": "a", "unit": ["ms"], "value": 1}]', '[0].unit: expected a string'],
    ['[{"name": "+++", "unit": "ms", "value": 1}]', '[0].name: "+++" has no letters or digits'],
    [
      '[{"name": "A b", "unit": "ms", "value": 1}, {"name": "a-b", "unit": "ms", "value": 2}]',
      'two values for metric "a_b": 1 ms ([0]) and 2 ms ([1])',
    ],
  ])('refuses %s', (text, message) => {
    expect(errorOf('github-action-benchmark', text).message).toContain(message);
  });
});

describe('pytest-benchmark', () => {
  it.each([
    ['test_preprocess_mean_s', 0.00025481, 's', 'smaller-is-better'],
    ['test_preprocess_median_s', 0.000249, 's', 'smaller-is-better'],
    ['test_preprocess_stddev_s', 2.4e-5, 's', 'smaller-is-better'],
    ['test_preprocess_ops', 3924.49, 'ops/s', 'bigger-is-better'],
    ['test_infer_batch_8_min_s', 0.0121, 's', 'smaller-is-better'],
    ['test_infer_batch_8_q3_s', 0.0136, 's', 'smaller-is-better'],
    ['test_infer_batch_8_ops', 74.63, 'ops/s', 'bigger-is-better'],
  ])('%s = %d %s', (name, value, unit, direction) => {
    expect(parse('pytest-benchmark', 'pytest-benchmark.json')[name]).toEqual({
      value,
      unit,
      direction,
      source: 'measured',
    });
  });

  it('leaves out counts such as rounds and outliers', () => {
    const names = Object.keys(parse('pytest-benchmark', 'pytest-benchmark.json'));
    expect(names.filter((name) => /rounds|outliers|iterations/.test(name))).toEqual([]);
    expect(names).toHaveLength(2 * 12);
  });

  it.each([
    ['{"benchmarks": {}}', 'benchmarks: expected an array'],
    ['{"benchmarks": [{"name": "t"}]}', 'benchmarks[0].stats: expected an object, found undefined'],
    [
      '{"benchmarks": [{"name": "t", "stats": {"mean": "slow"}}]}',
      'benchmarks[0].stats.mean: expected a number, found "slow"',
    ],
  ])('refuses %s', (text, message) => {
    expect(errorOf('pytest-benchmark', text).message).toContain(message);
  });
});

describe('google-benchmark', () => {
  it.each([
    ['bm_softmax_1024_real_time_ns', 1702.4, 'ns', 'smaller-is-better'],
    ['bm_softmax_1024_cpu_time_ns', 1699.8, 'ns', 'smaller-is-better'],
    ['bm_softmax_1024_items_per_second', 6.0245e8, 'items/s', 'bigger-is-better'],
    ['bm_softmax_1024_bytes_per_second', 2.4098e9, 'bytes/s', 'bigger-is-better'],
    ['bm_matmul_64_real_time_real_time_us', 139.2, 'us', 'smaller-is-better'],
    ['bm_matmul_64_real_time_cycles_iter', 451200, 'cycles/iter', 'smaller-is-better'],
    ['bm_matmul_64_real_time_flops', 3.77e9, '', 'bigger-is-better'],
    ['bm_load_real_time_ms', 48.5, 'ms', 'smaller-is-better'],
    ['bm_load_cpu_time_ms', 12.25, 'ms', 'smaller-is-better'],
  ])('%s = %d %s', (name, value, unit, direction) => {
    expect(parse('google-benchmark', 'google-benchmark.json')[name]).toEqual({
      value,
      unit,
      direction,
      source: 'measured',
    });
  });

  it('keeps the aggregates of repeated runs instead of each repetition', () => {
    const metrics = parse('google-benchmark', 'google-benchmark-aggregates.json');
    const timeFields = ['real_time_us', 'cpu_time_us', 'items_per_second', 'cache_misses'];
    const cvFields = ['real_time', 'cpu_time', 'items_per_second', 'cache_misses'];
    const expected = [
      ...['mean', 'median', 'stddev'].flatMap((aggregate) =>
        timeFields.map((field) => `bm_conv2d_3x3_${aggregate}_${field}`),
      ),
      ...cvFields.map((field) => `bm_conv2d_3x3_cv_${field}`),
    ];
    const conv = Object.keys(metrics).filter((name) => name.startsWith('bm_conv2d'));
    expect(conv.sort()).toEqual(expected.sort());
  });

  it.each([
    ['bm_conv2d_3x3_mean_real_time_us', 813.8333, 'us', 'smaller-is-better'],
    ['bm_conv2d_3x3_median_items_per_second', 1231.5, 'items/s', 'bigger-is-better'],
    ['bm_conv2d_3x3_stddev_cpu_time_us', 5.7135, 'us', 'smaller-is-better'],
    ['bm_conv2d_3x3_cv_real_time', 0.0072, 'ratio', 'smaller-is-better'],
    ['bm_conv2d_3x3_cv_items_per_second', 0.0072, 'ratio', 'smaller-is-better'],
    ['bm_relu_real_time_ns', 95.25, 'ns', 'smaller-is-better'],
  ])('aggregates: %s = %d %s', (name, value, unit, direction) => {
    const metrics = parse('google-benchmark', 'google-benchmark-aggregates.json');
    expect(metrics[name]).toMatchObject({ value, unit, direction });
  });

  it('leaves complexity fits (BigO, RMS) out', () => {
    const metrics = parse('google-benchmark', 'google-benchmark-aggregates.json');
    expect(Object.keys(metrics).filter((name) => name.includes('sort'))).toEqual([]);
  });

  it('refuses a run that reported an error, quoting it', () => {
    const error = errorOf(
      'google-benchmark',
      fixture('google-benchmark-error.json'),
      'gbench.json',
    );
    expect(error.message).toBe(
      'gbench.json: benchmarks[0]: benchmark "BM_Gpu/0" reported an error: "no CUDA device found"',
    );
  });

  it.each([
    ['{"context": {}}', 'benchmarks: expected an array, found undefined'],
    [
      '{"benchmarks": [{"name": "BM_a", "real_time": 5}]}',
      'benchmarks[0].time_unit: expected one of ns, us, ms, s, found undefined',
    ],
    ['{"benchmarks": [{"name": "BM_a", "real_time": 5, "time_unit": "min"}]}', 'found "min"'],
    [
      '{"benchmarks": [{"name": "BM_a", "real_time": "5ns", "time_unit": "ns"}]}',
      'benchmarks[0].real_time: expected a number, found "5ns"',
    ],
  ])('refuses %s', (text, message) => {
    expect(errorOf('google-benchmark', text).message).toContain(message);
  });
});

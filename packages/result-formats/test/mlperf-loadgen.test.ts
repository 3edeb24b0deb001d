import { describe, expect, it } from 'vitest';
import { parseBenchmarkOutput } from '@envoy/result-formats';
import { fixture } from './fixtures.js';

function parse(file: string) {
  return parseBenchmarkOutput('mlperf-loadgen', fixture(file), file);
}

describe('mlperf-loadgen', () => {
  it.each([
    ['mlperf-offline.txt', 'samples_per_second', 4512.38, 'samples/s', 'bigger-is-better'],
    ['mlperf-offline.txt', 'result_valid', 1, 'bool', 'bigger-is-better'],
    ['mlperf-offline.txt', 'min_duration_satisfied', 1, 'bool', 'bigger-is-better'],
    ['mlperf-offline.txt', 'early_stopping_satisfied', 1, 'bool', 'bigger-is-better'],
    ['mlperf-offline.txt', 'min_latency_ns', 18730210, 'ns', 'smaller-is-better'],
    ['mlperf-offline.txt', 'mean_latency_ns', 73140218811, 'ns', 'smaller-is-better'],
    ['mlperf-offline.txt', 'p50_latency_ns', 73198402260, 'ns', 'smaller-is-better'],
    ['mlperf-offline.txt', 'p90_latency_ns', 131652207431, 'ns', 'smaller-is-better'],
    ['mlperf-offline.txt', 'p99_9_latency_ns', 146119212080, 'ns', 'smaller-is-better'],
    ['mlperf-server-invalid.txt', 'result_valid', 0, 'bool', 'bigger-is-better'],
    [
      'mlperf-server-invalid.txt',
      'performance_constraints_satisfied',
      0,
      'bool',
      'bigger-is-better',
    ],
    [
      'mlperf-server-invalid.txt',
      'scheduled_samples_per_second',
      2450.12,
      'samples/s',
      'bigger-is-better',
    ],
    [
      'mlperf-server-invalid.txt',
      'completed_samples_per_second',
      2449.87,
      'samples/s',
      'bigger-is-better',
    ],
    ['mlperf-server-invalid.txt', 'p99_latency_ns', 211930554, 'ns', 'smaller-is-better'],
    ['mlperf-singlestream.txt', 'p90_latency_ns', 4871230, 'ns', 'smaller-is-better'],
    [
      'mlperf-singlestream.txt',
      'early_stopping_p90_latency_ns',
      4872001,
      'ns',
      'smaller-is-better',
    ],
    [
      'mlperf-singlestream.txt',
      'early_stopping_p99_latency_ns',
      5630112,
      'ns',
      'smaller-is-better',
    ],
    [
      'mlperf-singlestream.txt',
      'qps_with_loadgen_overhead',
      205.69,
      'queries/s',
      'bigger-is-better',
    ],
    [
      'mlperf-singlestream.txt',
      'qps_without_loadgen_overhead',
      207.33,
      'queries/s',
      'bigger-is-better',
    ],
  ])('%s: %s = %d %s', (file, name, value, unit, direction) => {
    expect(parse(file)[name]).toEqual({ value, unit, direction, source: 'measured' });
  });

  it('reads only the results, not the test parameters', () => {
    const names = Object.keys(parse('mlperf-offline.txt'));
    expect(names).not.toContain('target_qps');
    expect(names).not.toContain('samples_per_query');
    expect(names).toHaveLength(1 + 4 + 3 + 6);
  });

  it('leaves a "Skipped" check out rather than counting it', () => {
    expect(parse('mlperf-server-invalid.txt')).not.toHaveProperty('min_queries_satisfied');
  });

  it.each([
    [
      'mlperf-bad-latency.txt',
      'mlperf-bad-latency.txt:17: "Max latency (ns)": expected a number, found "14.6e"',
    ],
    [
      'mlperf-not-a-summary.txt',
      'mlperf-not-a-summary.txt: not an MLPerf LoadGen summary: no "Scenario :" line',
    ],
  ])('refuses %s', (file, message) => {
    expect(() => parse(file)).toThrow(message);
  });

  it.each([
    ['Result is : MAYBE', 'x.txt:6: "Result is": expected VALID or INVALID, found "MAYBE"'],
    ['Result is : toString', 'expected VALID or INVALID, found "toString"'],
    [
      'Result is : VALID\n  Min duration satisfied : Perhaps',
      'x.txt:7: "Min duration satisfied": expected Yes, NO or Skipped',
    ],
    [
      'Samples per second: fast\nResult is : VALID',
      'x.txt:6: "Samples per second": expected a number, found "fast"',
    ],
    ['Samples per second: 12', 'no "Result is :" line'],
  ])('refuses %j', (body, message) => {
    const text = `${'='.repeat(48)}\nMLPerf Results Summary\n${'='.repeat(48)}\nSUT name : s\nScenario : Offline\n${body}\n`;
    expect(() => parseBenchmarkOutput('mlperf-loadgen', text, 'x.txt')).toThrow(message);
  });

  it('keeps an unknown numeric line and ignores unknown words', () => {
    const text = `${'='.repeat(48)}\nMLPerf Results Summary\n${'='.repeat(48)}\nScenario : Offline\nResult is : VALID\nWarmup queries : 12\nBuild : release\n`;
    const metrics = parseBenchmarkOutput('mlperf-loadgen', text, 'x.txt');
    expect(metrics.warmup_queries).toMatchObject({ value: 12, unit: '' });
    expect(metrics).not.toHaveProperty('build');
  });
});

import { describe, expect, it } from 'vitest';
import { parseBenchmarkOutput } from '@envoy/result-formats';
import { fixture } from './fixtures.js';

function parse(file: string) {
  return parseBenchmarkOutput('perf-analyzer', fixture(file), file);
}

describe('perf-analyzer', () => {
  it.each([
    ['concurrency_1_inferences_per_second', 612.4, 'infer/s', 'bigger-is-better'],
    ['concurrency_8_inferences_per_second', 1702.6, 'infer/s', 'bigger-is-better'],
    ['concurrency_4_inferences_per_second', 1794.2, 'infer/s', 'bigger-is-better'],
    ['concurrency_4_p99_latency_us', 3007, 'us', 'smaller-is-better'],
    ['concurrency_8_p99_latency_us', 6120, 'us', 'smaller-is-better'],
    ['concurrency_2_p50_latency_us', 1801, 'us', 'smaller-is-better'],
    ['concurrency_8_server_queue_us', 2387, 'us', 'smaller-is-better'],
    ['concurrency_1_network_server_send_recv_us', 412, 'us', 'smaller-is-better'],
    ['concurrency_2_server_compute_infer_us', 1180, 'us', 'smaller-is-better'],
    ['concurrency_4_client_recv_us', 7, 'us', 'smaller-is-better'],
  ])('keys rows by concurrency, not position: %s = %d %s', (name, value, unit, direction) => {
    expect(parse('perf-analyzer.csv')[name]).toEqual({
      value,
      unit,
      direction,
      source: 'measured',
    });
  });

  it('gives every column of every row', () => {
    expect(Object.keys(parse('perf-analyzer.csv'))).toHaveLength(4 * 12);
  });

  it.each([
    ['concurrency_1_avg_latency_us', 986, 'us'],
    ['concurrency_2_request_response_us', 26, 'us'],
    ['concurrency_2_response_wait_us', 1066, 'us'],
    ['concurrency_2_avg_gpu_utilization', 0.612, 'ratio'],
    ['concurrency_1_avg_gpu_power_usage_w', 121.5, 'W'],
    ['concurrency_2_max_gpu_memory_usage_bytes', 2147483648, 'bytes'],
  ])('verbose CSV: %s = %d %s', (name, value, unit) => {
    expect(parse('perf-analyzer-verbose.csv')[name]).toMatchObject({ value, unit });
  });

  it('leaves the card size out', () => {
    const names = Object.keys(parse('perf-analyzer-verbose.csv'));
    expect(names.filter((name) => name.includes('total_gpu_memory'))).toEqual([]);
  });

  it('names each GPU when a row holds several', () => {
    const text =
      'Concurrency,Inferences/Second,Avg GPU Utilization\n' + '1,100,GPU-a:0.5;GPU-b:0.25;\n';
    const metrics = parseBenchmarkOutput('perf-analyzer', text, 'gpus.csv');
    expect(metrics.concurrency_1_avg_gpu_utilization_gpu0?.value).toBe(0.5);
    expect(metrics.concurrency_1_avg_gpu_utilization_gpu1?.value).toBe(0.25);
  });

  it.each([
    ['request_rate_200_inferences_per_second', 199.8],
    ['request_rate_100_p99_latency_us', 2101],
    ['request_rate_12_5_p50_latency_us', 1544],
  ])('request-rate sweeps: %s = %d', (name, value) => {
    expect(parse('perf-analyzer-request-rate.csv')[name]?.value).toBe(value);
  });

  it.each([
    ['concurrency_16_inferences_per_second', 12480.5],
    ['concurrency_16_p50_latency_us', 1204],
    ['concurrency_16_p99_latency_us', 2318.5],
    ['concurrency_32_inferences_per_second', 13002.25],
    ['concurrency_32_p99_latency_us', 4871],
  ])('quoted cells with thousands separators and CRLF lines: %s = %d', (name, value) => {
    expect(parse('perf-analyzer-thousands.csv')[name]?.value).toBe(value);
  });

  it.each([
    [
      'perf-analyzer-no-key.csv',
      'perf-analyzer-no-key.csv:1: no "Concurrency" or "Request Rate" column in the header "Inferences/Second,Client Send,Client Recv,p50 latency,p99 latency"',
    ],
    [
      'perf-analyzer-bad-cell.csv',
      'perf-analyzer-bad-cell.csv:3: column "p99 latency": "n/a" is not a number',
    ],
    [
      'perf-analyzer-short-row.csv',
      'perf-analyzer-short-row.csv:3: 5 cells, but the header on line 1 has 6 columns',
    ],
    [
      'perf-analyzer-duplicate.csv',
      'perf-analyzer-duplicate.csv:3: Concurrency 4 appears again (first on line 2)',
    ],
  ])('refuses %s', (file, message) => {
    expect(() => parse(file)).toThrow(message);
  });

  it.each([
    [
      'Concurrency,p99 latency\nfour,100\n',
      'x.csv:2: column "Concurrency": "four" is not a non-negative number',
    ],
    ['Concurrency,p99 latency\n1,"100\n', 'x.csv:2: unclosed quote'],
    ['Concurrency,p99 latency\n1,"100"ms\n', 'x.csv:2: expected a comma after a quoted field'],
    ['Concurrency,p99 latency\n', 'x.csv: no metrics found in the perf_analyzer CSV'],
    [
      'Concurrency,Avg GPU Utilization\n1,0.5\n',
      'x.csv:2: column "Avg GPU Utilization": "0.5" is not "<gpu>:<value>"',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseBenchmarkOutput('perf-analyzer', text, 'x.csv')).toThrow(message);
  });

  it('finds a missing latency column absent, not zero', () => {
    const text = 'Concurrency,Inferences/Second,p50 latency\n1,100,900\n';
    const metrics = parseBenchmarkOutput('perf-analyzer', text, 'x.csv');
    expect(Object.keys(metrics).sort()).toEqual([
      'concurrency_1_inferences_per_second',
      'concurrency_1_p50_latency_us',
    ]);
  });
});

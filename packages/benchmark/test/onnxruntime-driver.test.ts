import { describe, expect, it } from 'vitest';
import { MemoryLog, UserError } from '@envoy/core';
import { onnxruntimeDriver } from '../src/index.js';
import { driverContext, sileroSettings } from './helpers.js';

const HEADLINE = [
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'latency_mean_ms',
  'inferences_per_second',
  'peak_rss_mb',
];

describe('onnxruntimeDriver on Silero VAD v5', () => {
  it('measures positive, ordered latencies and keeps every trial sample', async () => {
    const output = await onnxruntimeDriver.run(driverContext(sileroSettings()));

    for (const name of HEADLINE) {
      expect(output.metrics[name]?.value, name).toBeGreaterThan(0);
      expect(output.metrics[name]?.source).toBe('measured');
    }
    const value = (name: string) => output.metrics[name]!.value;
    expect(value('latency_p50_ms')).toBeLessThanOrEqual(value('latency_p90_ms'));
    expect(value('latency_p90_ms')).toBeLessThanOrEqual(value('latency_p95_ms'));
    expect(value('latency_p95_ms')).toBeLessThanOrEqual(value('latency_p99_ms'));
    expect(output.metrics.latency_p50_ms?.direction).toBe('smaller-is-better');
    expect(output.metrics.inferences_per_second?.direction).toBe('bigger-is-better');
    expect(output.trials).toHaveLength(2);
    for (const trial of output.trials) {
      expect(trial.latenciesMs).toHaveLength(20);
      expect(trial.inferencesPerSecond).toBeGreaterThan(0);
    }
    expect(output.runtime).toMatchObject({
      executionProvider: 'cpu',
      requestedExecutionProviders: 'cpu',
      batchSizes: '1',
      feeds: 'input=float32[1,512] state=float32[2,1,128] sr=int64[]',
    });
    expect(output.metrics.peak_device_memory_mib).toBeUndefined();
  });

  it.each([[['cuda'] as const], [['tensorrt', 'cuda'] as const]])(
    'falls back to cpu with a warning when %j is unavailable',
    async (requested) => {
      const log = new MemoryLog();
      const settings = sileroSettings({ executionProviders: [...requested], trials: 1 });
      const output = await onnxruntimeDriver.run(driverContext(settings, log));

      expect(output.runtime.executionProvider).toBe('cpu');
      expect(output.runtime.requestedExecutionProviders).toBe(requested.join(','));
      const warnings = log.lines.filter((line) => line.startsWith('warning:'));
      expect(warnings).toHaveLength(requested.length);
      expect(warnings.at(-1)).toMatch(/"cuda" is unavailable .*falling back to "cpu"/);
    },
  );

  it('refuses an unnamed symbolic dimension without an override, naming the input', async () => {
    const settings = sileroSettings({ inputs: { sr: { value: 16000 } } });
    const run = onnxruntimeDriver.run(driverContext(settings));

    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(/input "input" has an unnamed symbolic dimension/);
  });

  it('applies dimensions and overrides, ignoring inputs the model lacks', async () => {
    const log = new MemoryLog();
    const settings = sileroSettings({
      trials: 1,
      dimensions: { samples: 256 },
      inputs: {
        input: { shape: ['batch', 'samples'], fill: 'zeros' },
        state: { shape: [2, 'batch', 128], fill: 'constant', value: 0.5 },
        sr: { value: 8000 },
        speaker: { shape: [1] },
      },
    });
    const output = await onnxruntimeDriver.run(driverContext(settings, log));

    expect(output.runtime.feeds).toBe('input=float32[1,256] state=float32[2,1,128] sr=int64[]');
    expect(log.lines).toContain(
      'debug: benchmark.inputs.speaker: the model has no input "speaker", ignored',
    );
  });

  it('refuses inputs ONNX Runtime rejects, quoting the feeds', async () => {
    const settings = sileroSettings({
      inputs: { ...sileroSettings().inputs, input: { shape: ['batch', 512], type: 'float64' } },
    });
    const run = onnxruntimeDriver.run(driverContext(settings));

    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(/refused the inputs input=float64\[1,512\]/);
  });

  it('sweeps batch sizes: headline from the first, suffixed metrics for the rest', async () => {
    const settings = sileroSettings({ batchSizes: [1, 4], iterations: 10 });
    const output = await onnxruntimeDriver.run(driverContext(settings));

    expect(Object.keys(output.metrics).sort()).toEqual(
      [
        ...HEADLINE,
        ...HEADLINE.filter((name) => name !== 'peak_rss_mb').map((name) => `${name}@batch=4`),
      ].sort(),
    );
    expect(output.runtime['feeds@batch=4']).toBe(
      'input=float32[4,512] state=float32[2,4,128] sr=int64[]',
    );
    expect(output.runtime.batchSizes).toBe('1,4');
    expect(output.trials.map((trial) => trial.latenciesMs.length)).toEqual([10, 10]);
  });

  it('refuses a batch sweep when no input starts with a symbolic dimension', async () => {
    const settings = sileroSettings({
      batchSizes: [1, 2],
      inputs: { input: { shape: [1, 512] }, state: { shape: [2, 1, 128] }, sr: { value: 16000 } },
    });

    await expect(onnxruntimeDriver.run(driverContext(settings))).rejects.toThrow(
      /benchmark.batch-sizes is \[1, 2\] but no input of model "silero-vad"/,
    );
  });

  it('logs progress with elapsed time, a remaining estimate and the rate', async () => {
    const log = new MemoryLog();
    const settings = sileroSettings({ progressSeconds: 0.000_001, trials: 1, iterations: 5 });
    await onnxruntimeDriver.run(driverContext(settings, log));

    const progress = log.lines.filter((line) => line.includes('timed runs'));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(
      /^info: batch 1, trial 1\/1: \d+\/5 timed runs, [\d.]+ s elapsed, about [\d.]+ s left, [\d.]+ runs\/s$/,
    );
  });
});

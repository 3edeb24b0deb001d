import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { median } from 'simple-statistics';
import { MemoryLog, ProcessToolRunner, UserError } from '@envoy/core';
import type { BenchmarkSettings, EvaluationSettings, HardwareTarget } from '@envoy/config';
import {
  coefficientOfVariation,
  readResultsFile,
  runBenchmark,
  writeResultsFile,
} from '../src/index.js';
import {
  FIXTURES,
  loadRuntime,
  REPO_ROOT,
  SILERO_FILE,
  SILERO_VERSION,
  sileroSettings,
  target,
} from './helpers.js';

const CLOCK = [new Date('2026-01-02T03:04:05.000Z'), new Date('2026-01-02T03:04:09.000Z')];

interface Scenario {
  settings?: BenchmarkSettings;
  evaluation?: EvaluationSettings;
  target?: HardwareTarget;
}

/** runBenchmark on this machine: real probe, real ONNX Runtime, real processes. */
function benchmark(scenario: Scenario = {}, log = new MemoryLog()) {
  const clock = [...CLOCK];
  let runtimeLoaded = false;
  const results = runBenchmark(
    {
      model: SILERO_VERSION,
      modelFile: SILERO_FILE,
      target: scenario.target ?? target(),
      settings: scenario.settings ?? sileroSettings(),
      evaluation: scenario.evaluation,
      root: REPO_ROOT,
    },
    {
      tools: new ProcessToolRunner(log),
      log,
      loadRuntime: () => {
        runtimeLoaded = true;
        return loadRuntime(log);
      },
      now: () => clock.shift() ?? new Date(),
    },
  );
  return { results, log, runtimeLoaded: () => runtimeLoaded };
}

function evaluation(mode: string): EvaluationSettings {
  return { command: ['node', join(FIXTURES, 'evaluate.mjs'), '{model}', mode], timeoutSeconds: 30 };
}

describe('runBenchmark', () => {
  it('benchmarks on this machine, judges stability and writes a valid results file', async () => {
    const { results, log } = benchmark({ settings: sileroSettings({ trials: 3 }) });
    const done = await results;

    expect(done).toMatchObject({
      schemaVersion: 1,
      model: 'silero-vad',
      version: 3,
      digest: SILERO_VERSION.digest,
      target: 'cpu-x86',
      driver: 'onnxruntime',
      hardware: { kind: 'cpu', accelerators: [] },
      runtime: { executionProvider: 'cpu' },
      startedAt: '2026-01-02T03:04:05.000Z',
      finishedAt: '2026-01-02T03:04:09.000Z',
    });
    expect(done.trials).toHaveLength(3);
    const cv = coefficientOfVariation(done.trials.map((trial) => median(trial.latenciesMs)));
    expect(done.stability).toEqual({
      coefficientOfVariation: cv,
      maxCoefficientOfVariation: 10,
      stable: true,
    });
    expect(log.lines).toContain('group: Benchmark silero-vad v3 on cpu-x86 (onnxruntime)');
    const file = join(await mkdtemp(join(tmpdir(), 'envoy-run-')), 'results.json');
    await writeResultsFile(file, done);
    expect(await readResultsFile(file)).toEqual(done);
  });

  it('marks the result unstable, with a warning, above benchmark.max-cv', async () => {
    const { results, log } = benchmark({ settings: sileroSettings({ maxCv: 1e-12 }) });
    const done = await results;

    expect(done.stability?.stable).toBe(false);
    expect(done.stability?.coefficientOfVariation).toBeGreaterThan(1e-12);
    expect(log.lines.some((line) => /^warning: Unstable measurement/.test(line))).toBe(true);
  });

  it('leaves stability out with a single trial, and warns that it was not assessed', async () => {
    const { results, log } = benchmark({ settings: sileroSettings({ trials: 1 }) });
    const done = await results;

    expect(done.stability).toBeUndefined();
    expect(log.lines).toContain(
      'warning: Stability cannot be assessed with one trial: set benchmark.trials to 2 or more',
    );
  });

  it('adds the evaluation command’s metrics', async () => {
    const done = await benchmark({ evaluation: evaluation('ok') }).results;

    expect(done.metrics.f1).toEqual({
      value: 0.91,
      unit: '',
      direction: 'bigger-is-better',
      source: 'evaluation',
    });
    expect(done.metrics.latency_p50_ms?.source).toBe('measured');
  });

  it('refuses an evaluation metric that would overwrite a measured one', async () => {
    const { results } = benchmark({ evaluation: evaluation('clash') });

    await expect(results).rejects.toThrow(UserError);
    await expect(results).rejects.toThrow(/reports "latency_p50_ms", which the benchmark measured/);
  });

  it('refuses an nvidia-gpu target on this machine before running anything', async () => {
    const gpu = target({ name: 'gpu-a10', kind: 'nvidia-gpu', requireAccelerator: true });
    const run = benchmark({ target: gpu });

    await expect(run.results).rejects.toThrow(UserError);
    await expect(run.results).rejects.toThrow(/"gpu-a10" needs an accelerator of kind nvidia-gpu/);
    expect(run.runtimeLoaded()).toBe(false);
  });

  it('runs the command driver, which has no trials to judge', async () => {
    const settings = sileroSettings({
      driver: 'command',
      command: { run: ['node', join(FIXTURES, 'google-benchmark.mjs')], format: 'googlecpp' },
    });
    const { results, log } = benchmark({ settings });
    const done = await results;

    expect(done.driver).toBe('command');
    expect(done.metrics.bm_infer_default_real_time_us?.value).toBe(250.5);
    expect(done.trials).toEqual([]);
    expect(done.stability).toBeUndefined();
    expect(log.lines.filter((line) => /^warning: .*stability/i.test(line))).toEqual([]);
  });
});

import {
  RESULTS_SCHEMA_VERSION,
  UserError,
  type BenchmarkResults,
  type HardwareFingerprint,
  type Log,
  type Stability,
  type ToolRunner,
  type Trial,
} from '@envoy/core';
import type { DriverName } from '@envoy/config';
import type { OnnxRuntime } from '@envoy/onnx';
import {
  DEFAULT_TELEMETRY_INTERVAL_MS,
  probeHardware,
  requireAccelerator,
  startTelemetry,
} from '@envoy/hardware';
import { median } from 'simple-statistics';
import { commandDriver } from './command-driver.js';
import type { BenchmarkRequest, Driver, DriverContext } from './driver.js';
import { mergeEvaluationMetrics, runEvaluation } from './evaluation.js';
import { httpDriver } from './http-driver.js';
import { onnxruntimeDriver } from './onnxruntime/driver.js';
import { coefficientOfVariation } from './statistics.js';

export interface BenchmarkDeps {
  tools: ToolRunner;
  log: Log;
  loadRuntime: () => Promise<OnnxRuntime>;
  /** Defaults to probing this machine with @envoy/hardware. */
  probe?: () => Promise<HardwareFingerprint>;
  now?: () => Date;
}

const DRIVERS: Record<DriverName, Driver> = {
  onnxruntime: onnxruntimeDriver,
  command: commandDriver,
  http: httpDriver,
};

/**
 * Benchmarks one model version on this machine: probes the hardware (refusing a target whose
 * accelerator is missing before anything runs), runs the driver, judges stability across
 * trials and adds the evaluation command's metrics.
 */
export async function runBenchmark(
  request: BenchmarkRequest,
  deps: BenchmarkDeps,
): Promise<BenchmarkResults> {
  const { tools, log } = deps;
  const now = deps.now ?? (() => new Date());
  const { settings, target, model } = request;
  const hardware = await (deps.probe ?? (() => probeHardware(tools, log)))();
  if (target.requireAccelerator) requireAccelerator(hardware, target.kind, target.name);
  const driver = DRIVERS[settings.driver];
  if (!driver) {
    throw new UserError(
      `benchmark.driver "${settings.driver}" is not one of: ${Object.keys(DRIVERS).join(', ')}`,
    );
  }
  const startedAt = now();
  const context: DriverContext = {
    request,
    hardware,
    tools,
    log,
    loadRuntime: deps.loadRuntime,
    startTelemetry: () =>
      startTelemetry(hardware, tools, log, { intervalMs: DEFAULT_TELEMETRY_INTERVAL_MS }),
  };
  const title = `Benchmark ${model.model} v${model.version} on ${target.name} (${driver.name})`;
  const output = await log.group(title, () => driver.run(context));
  const evaluation = request.evaluation;
  const metrics = evaluation
    ? mergeEvaluationMetrics(
        output.metrics,
        await log.group('Evaluate', () =>
          runEvaluation(evaluation, request.modelFile, request.root, log, tools),
        ),
      )
    : output.metrics;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    model: model.model,
    version: model.version,
    digest: model.digest,
    target: target.name,
    driver: driver.name,
    hardware,
    runtime: output.runtime,
    metrics,
    trials: output.trials,
    ...stabilityOf(output.trials, settings.maxCv, log),
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
  };
}

/**
 * Coefficient of variation of each trial's median latency; needs two trials or more. A driver
 * that ran a single trial gets a warning; one that runs no trials (command, http) does not.
 */
function stabilityOf(trials: Trial[], maxCv: number, log: Log): { stability?: Stability } {
  if (trials.length === 1) {
    log.warning('Stability cannot be assessed with one trial: set benchmark.trials to 2 or more');
  }
  if (trials.length < 2) return {};
  const cv = coefficientOfVariation(trials.map((trial) => median(trial.latenciesMs)));
  if (cv > maxCv) {
    log.warning(
      `Unstable measurement: the trials' median latencies vary by ${(cv * 100).toFixed(1)}% ` +
        `(benchmark.max-cv allows ${(maxCv * 100).toFixed(1)}%)`,
    );
  }
  return {
    stability: {
      coefficientOfVariation: cv,
      maxCoefficientOfVariation: maxCv,
      stable: cv <= maxCv,
    },
  };
}

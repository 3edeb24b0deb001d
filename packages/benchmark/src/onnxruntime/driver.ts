import { UserError, type Metric, type ModelSignature, type Trial } from '@envoy/core';
import type { BenchmarkSettings, InputOverride } from '@envoy/config';
import { createTensor, readSignature, type FeedSpec, type OnnxRuntime } from '@envoy/onnx';
import { measured, type Driver, type DriverContext, type DriverOutput } from '../driver.js';
import { summariseLatencies } from '../statistics.js';
import type { TelemetrySummary } from '@envoy/hardware';
import { acceleratorMetrics } from '../telemetry.js';
import { PeakRss } from './memory.js';
import { batchedInputs, feedsForBatch, overridesForModel } from './feeds.js';
import { openSession, type Session } from './session.js';
import { ProgressReporter, timeTrial, warmUp, type Feeds } from './timing.js';

/** Runs the model in-process with ONNX Runtime, sweeping batch sizes. */
export const onnxruntimeDriver: Driver = {
  name: 'onnxruntime',
  async run(context) {
    const { request, log } = context;
    const { settings } = request;
    const runtime = await context.loadRuntime();
    const opened = await openSession(runtime, request.modelFile, settings.executionProviders, log);
    const peakRss = new PeakRss();
    let sweep: DriverOutput;
    let peakRssMb: number;
    try {
      sweep = await measureSweep(context, runtime, opened.session);
    } finally {
      peakRssMb = peakRss.stop();
      await opened.session.release();
    }
    return {
      metrics: { ...sweep.metrics, peak_rss_mb: measured(peakRssMb, 'MB', 'smaller-is-better') },
      trials: sweep.trials,
      runtime: {
        executionProvider: opened.executionProvider,
        requestedExecutionProviders: settings.executionProviders.join(','),
        onnxruntimeVersion: runtime.env.versions.common,
        ...sweep.runtime,
      },
    };
  },
};

async function measureSweep(
  context: DriverContext,
  runtime: OnnxRuntime,
  session: Session,
): Promise<DriverOutput> {
  const { settings, model } = context.request;
  const signature = readSignature(session);
  const overrides = overridesForModel(signature, settings.inputs, context.log);
  const batchSizes = checkBatchSizes(signature, overrides, settings.batchSizes, model.model);
  const total = batchSizes.length * settings.trials * settings.iterations;
  const progress = new ProgressReporter(total, settings.progressSeconds, context.log);
  const output: DriverOutput = { metrics: {}, trials: [], runtime: {} };
  for (const [index, batchSize] of batchSizes.entries()) {
    const specs = feedsForBatch(signature, settings.dimensions, overrides, batchSize);
    const result = await measureBatch(context, runtime, session, specs, batchSize, progress);
    const suffix = index === 0 ? '' : `@batch=${batchSize}`;
    for (const [name, metric] of Object.entries(result.metrics)) {
      output.metrics[name + suffix] = metric;
    }
    if (index === 0) output.trials = result.trials;
    output.runtime[`feeds${suffix}`] = specs.map(describeFeed).join(' ');
  }
  output.runtime.batchSizes = batchSizes.join(',');
  return output;
}

/** Batch sizes need a batched input, except the plain batch size of 1. */
function checkBatchSizes(
  signature: ModelSignature,
  overrides: Record<string, InputOverride>,
  batchSizes: number[],
  modelName: string,
): number[] {
  const sizes = batchSizes.length > 0 ? batchSizes : [1];
  const batched = batchedInputs(signature, overrides);
  if (batched.length === 0 && (sizes.length > 1 || sizes[0] !== 1)) {
    throw new UserError(
      `benchmark.batch-sizes is [${sizes.join(', ')}] but no input of model "${modelName}" ` +
        'starts with a symbolic dimension, so there is no batch dimension to size',
    );
  }
  return sizes;
}

interface BatchResult {
  metrics: Record<string, Metric>;
  trials: Trial[];
}

async function measureBatch(
  context: DriverContext,
  runtime: OnnxRuntime,
  session: Session,
  specs: FeedSpec[],
  batchSize: number,
  progress: ProgressReporter,
): Promise<BatchResult> {
  const { settings } = context.request;
  const feeds = Object.fromEntries(specs.map((spec) => [spec.name, createTensor(runtime, spec)]));
  await session.run(feeds).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `ONNX Runtime refused the inputs ${specs.map(describeFeed).join(' ')}: ${message}`,
    );
  });
  await warmUp(session, feeds, settings.warmup);
  const recording = context.startTelemetry();
  let timed: TimedTrials;
  let telemetry: TelemetrySummary;
  try {
    timed = await timeTrials(session, feeds, settings, batchSize, progress);
  } finally {
    telemetry = await recording.stop();
  }
  const inferences = batchSize * settings.iterations * settings.trials;
  const device = acceleratorMetrics(context.hardware, telemetry, inferences);
  const speed = speedMetrics(timed.trials, inferences / timed.wallSeconds);
  return { metrics: { ...speed, ...device }, trials: timed.trials };
}

interface TimedTrials {
  trials: Trial[];
  wallSeconds: number;
}

async function timeTrials(
  session: Session,
  feeds: Feeds,
  settings: BenchmarkSettings,
  batchSize: number,
  progress: ProgressReporter,
): Promise<TimedTrials> {
  const trials: Trial[] = [];
  let wallSeconds = 0;
  for (let trial = 1; trial <= settings.trials; trial++) {
    progress.startTrial(`batch ${batchSize}, trial ${trial}/${settings.trials}`);
    const timed = await timeTrial(session, feeds, settings.iterations, progress);
    const inferencesPerSecond = (batchSize * settings.iterations) / timed.wallSeconds;
    trials.push({ latenciesMs: timed.latenciesMs, inferencesPerSecond });
    wallSeconds += timed.wallSeconds;
  }
  return { trials, wallSeconds };
}

/** Latency over every timed run of every trial; throughput over the trials' wall time. */
function speedMetrics(trials: Trial[], inferencesPerSecond: number): Record<string, Metric> {
  const latency = summariseLatencies(trials.flatMap((trial) => trial.latenciesMs));
  return {
    latency_p50_ms: measured(latency.p50, 'ms', 'smaller-is-better'),
    latency_p90_ms: measured(latency.p90, 'ms', 'smaller-is-better'),
    latency_p95_ms: measured(latency.p95, 'ms', 'smaller-is-better'),
    latency_p99_ms: measured(latency.p99, 'ms', 'smaller-is-better'),
    latency_mean_ms: measured(latency.mean, 'ms', 'smaller-is-better'),
    inferences_per_second: measured(inferencesPerSecond, '1/s', 'bigger-is-better'),
  };
}

function describeFeed(spec: FeedSpec): string {
  return `${spec.name}=${spec.type}[${spec.shape.join(',')}]`;
}

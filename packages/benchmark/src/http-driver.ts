import { UserError, type Log, type Metric } from '@envoy/core';
import type { HttpDriverSettings } from '@envoy/config';
import {
  runConcurrencySweep,
  runServerScenario,
  runSingleStream,
  type LatencySummary,
  type LoadProgress,
  type LoadReport,
  type ScenarioOptions,
} from '@envoy/loadgen';
import { feedValues } from '@envoy/onnx';
import { measured, type Driver, type DriverContext } from './driver.js';
import { feedsForBatch, overridesForModel } from './onnxruntime/feeds.js';

/** Start of the server scenario's rate search when benchmark.http.rate is not set. */
export const DEFAULT_START_RATE = 10;

/**
 * Load-tests a served model over HTTP. single-stream: one request at a time (p90 is the
 * headline); server: the highest Poisson rate whose p99 stays within the bound; offline:
 * closed loops at each concurrency level, the level with the highest throughput as headline.
 */
export const httpDriver: Driver = {
  name: 'http',
  async run(context) {
    const http = context.request.settings.http;
    if (!http?.url) {
      throw new UserError('benchmark.http.url is required when benchmark.driver is "http"');
    }
    const options = scenarioOptions(context, http, http.url);
    context.log.info(`Load-testing ${http.url} (${http.protocol}, ${http.scenario})`);
    const runtime = { url: http.url, protocol: http.protocol, scenario: http.scenario };
    if (http.scenario === 'single-stream') {
      const report = await runSingleStream(options);
      return { metrics: reportMetrics(report), trials: [], runtime };
    }
    if (http.scenario === 'server') return serverScenario(options, http, context.log, runtime);
    return offlineScenario(options, http, runtime);
  },
};

type Runtime = Record<string, string>;

async function serverScenario(
  options: ScenarioOptions,
  http: HttpDriverSettings,
  log: Log,
  runtime: Runtime,
) {
  if (http.latencyBoundMs === undefined) {
    throw new UserError('benchmark.http.latency-bound-ms is required by the server scenario');
  }
  const bound = { p99Ms: http.latencyBoundMs, startRate: http.rate ?? DEFAULT_START_RATE };
  const result = await runServerScenario(options, bound);
  if (result.rate === 0) {
    log.warning(`No request rate kept p99 latency within ${http.latencyBoundMs} ms`);
  }
  const metrics = {
    ...reportMetrics(result.report),
    server_rate_per_second: measured(result.rate, '1/s', 'bigger-is-better'),
  };
  return { metrics, trials: [], runtime: { ...runtime, ratesTried: `${result.tried.length}` } };
}

async function offlineScenario(
  options: ScenarioOptions,
  http: HttpDriverSettings,
  runtime: Runtime,
) {
  const levels = http.concurrency.length > 0 ? http.concurrency : [1];
  const reports = await runConcurrencySweep(options, levels);
  const best = reports.reduce((top, report) =>
    report.throughputPerSecond > top.throughputPerSecond ? report : top,
  );
  const metrics = reportMetrics(best);
  for (const [index, report] of reports.entries()) {
    if (report === best) continue;
    for (const [name, metric] of Object.entries(reportMetrics(report))) {
      metrics[`${name}@concurrency=${levels[index]}`] = metric;
    }
  }
  const concurrency = levels[reports.indexOf(best)];
  return { metrics, trials: [], runtime: { ...runtime, concurrency: `${concurrency}` } };
}

function scenarioOptions(
  context: DriverContext,
  http: HttpDriverSettings,
  url: string,
): ScenarioOptions {
  const { settings, model } = context.request;
  const body =
    http.body ?? (http.protocol === 'open-inference' ? inferenceRequest(context) : undefined);
  return {
    url,
    protocol: http.protocol,
    model: model.model,
    body,
    durationMs: http.durationSeconds * 1000,
    warmupMs: http.warmupSeconds * 1000,
    timeoutMs: http.timeoutMs,
    ...(settings.progressSeconds > 0 && {
      progressIntervalMs: settings.progressSeconds * 1000,
      onProgress: (progress: LoadProgress) => context.log.info(describeProgress(progress)),
    }),
  };
}

const V2_DATATYPES: Record<string, string> = {
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
};

/** A v2 inference request built from the model's signature, like the onnxruntime driver's feeds. */
function inferenceRequest(context: DriverContext): unknown {
  const { settings, model } = context.request;
  if (!model.signature) {
    throw new UserError(
      `benchmark.http.body is required: model "${model.model}" v${model.version} has no ` +
        'recorded signature to build an inference request from',
    );
  }
  const specs = feedsForBatch(
    model.signature,
    settings.dimensions,
    overridesForModel(model.signature, settings.inputs, context.log),
    settings.batchSizes[0] ?? 1,
  );
  const inputs = specs.map((spec) => {
    const datatype = V2_DATATYPES[spec.type];
    if (!datatype) throw new UserError(`input "${spec.name}" has unsupported type "${spec.type}"`);
    return { name: spec.name, shape: spec.shape, datatype, data: feedValues(spec) };
  });
  return { inputs };
}

function reportMetrics(report: LoadReport): Record<string, Metric> {
  const metrics: Record<string, Metric> = {
    ...latencyMetrics('latency', report.latencyMs),
    requests_per_second: measured(report.throughputPerSecond, '1/s', 'bigger-is-better'),
    requests_succeeded: measured(report.succeeded, 'requests', 'bigger-is-better'),
  };
  for (const [kind, count] of Object.entries(report.errors)) {
    metrics[`errors_${kind}`] = measured(count, 'requests', 'smaller-is-better');
  }
  if (report.timeToFirstTokenMs) {
    Object.assign(metrics, latencyMetrics('time_to_first_token', report.timeToFirstTokenMs));
  }
  if (report.interTokenMs)
    Object.assign(metrics, latencyMetrics('inter_token', report.interTokenMs));
  if (report.tokensPerSecond !== undefined) {
    metrics.tokens_per_second = measured(report.tokensPerSecond, '1/s', 'bigger-is-better');
  }
  return metrics;
}

/** `<prefix>_p50_ms` ... `<prefix>_mean_ms`; nothing when no request succeeded. */
function latencyMetrics(prefix: string, summary: LatencySummary): Record<string, Metric> {
  if (summary.count === 0) return {};
  const entries = (['p50', 'p90', 'p95', 'p99', 'mean'] as const).map((statistic) => [
    `${prefix}_${statistic}_ms`,
    measured(summary[statistic], 'ms', 'smaller-is-better'),
  ]);
  return Object.fromEntries(entries);
}

function describeProgress(progress: LoadProgress): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  return (
    `${seconds(progress.elapsedMs)} s elapsed, about ${seconds(progress.remainingMs)} s left, ` +
    `${progress.ratePerSecond.toFixed(1)} requests/s, ${progress.completed} done, ` +
    `${progress.errors} errors`
  );
}

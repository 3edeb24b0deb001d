import {
  COMMON_INPUTS,
  createActionContext,
  optionalInput,
  setOutputs,
  writeSummary,
} from '@envoy/action-kit';
import { renderResultsSummary } from '@envoy/benchmark';
import { benchmarkStep, workspacePath } from '@envoy/pipeline';

export const INPUTS = {
  ...COMMON_INPUTS,
  model: 'model',
  version: 'version',
  target: 'target',
} as const;

export const OUTPUTS = {
  resultsPath: 'results-path',
  hardwareClass: 'hardware-class',
  stable: 'stable',
  latencyP50Ms: 'latency-p50-ms',
  latencyP99Ms: 'latency-p99-ms',
  inferencesPerSecond: 'inferences-per-second',
} as const;

export async function main(bundleUrl: string): Promise<void> {
  const { step } = await createActionContext(bundleUrl);
  const { results, resultsPath } = await step.log.group('Benchmark', () =>
    benchmarkStep(step, {
      model: optionalInput(INPUTS.model),
      version: optionalInput(INPUTS.version),
      target: optionalInput(INPUTS.target),
    }),
  );
  setOutputs({
    [OUTPUTS.resultsPath]: workspacePath(step, resultsPath),
    [OUTPUTS.hardwareClass]: results.hardware.class,
    [OUTPUTS.stable]: results.stability?.stable ?? true,
    [OUTPUTS.latencyP50Ms]: results.metrics.latency_p50_ms?.value,
    [OUTPUTS.latencyP99Ms]: results.metrics.latency_p99_ms?.value,
    [OUTPUTS.inferencesPerSecond]: results.metrics.inferences_per_second?.value,
  });
  await writeSummary(renderResultsSummary(results));
}

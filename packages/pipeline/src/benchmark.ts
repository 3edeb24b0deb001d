import { benchmarkSettingsFor, selectHardware, selectModel } from '@envoy/config';
import type { BenchmarkResults } from '@envoy/core';
import { runBenchmark, writeResultsFile } from '@envoy/benchmark';
import type { StepContext } from './context.js';
import { outputPaths } from './context.js';
import { resolveVersion } from './build.js';
import { onnxFileIn, verifyModelFiles } from './model-files.js';

export interface BenchmarkInput {
  model?: string;
  version?: string;
  /** The hardware target's name from envoy.yaml; the first one when absent. */
  target?: string;
}

export interface BenchmarkOutput {
  results: BenchmarkResults;
  resultsPath: string;
}

export async function benchmarkStep(
  context: StepContext,
  input: BenchmarkInput,
): Promise<BenchmarkOutput> {
  const modelSettings = selectModel(context.config, input.model);
  const target = selectHardware(context.config, input.target);
  const version = await resolveVersion(context, modelSettings.name, input.version);
  const modelPath = await verifyModelFiles(context, version);
  const settings = benchmarkSettingsFor(modelSettings, target);
  const modelFile =
    modelSettings.format === 'onnx' && settings.driver === 'onnxruntime'
      ? await onnxFileIn(modelPath)
      : modelPath;
  const results = await runBenchmark(
    {
      model: version,
      modelFile,
      target,
      settings,
      evaluation: modelSettings.evaluation,
      root: context.root,
    },
    { tools: context.tools, log: context.log, loadRuntime: context.loadRuntime, now: context.now },
  );
  const resultsPath = outputPaths.results(context, version.model, version.version, target.name);
  await writeResultsFile(resultsPath, results);
  await context.registry.attachResults(results);
  context.log.info(
    `Results for ${version.model} v${version.version} on ${target.name}: ${resultsPath}`,
  );
  return { results, resultsPath };
}

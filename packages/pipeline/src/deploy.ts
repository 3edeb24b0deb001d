import { selectDeployTarget, selectModel } from '@envoy/config';
import type { ModelVersion } from '@envoy/core';
import { buildSmokeRequest, deployLocal, type DeployOutcome } from '@envoy/deploy';
import type { StepContext } from './context.js';
import { outputPaths } from './context.js';
import { onnxFileIn, verifyModelFiles } from './model-files.js';

export interface DeployInput {
  model?: string;
  /** A version number or alias; the target's alias (e.g. production) when absent. */
  version?: string;
  /** The deploy target's name from envoy.yaml; the first one when absent. */
  target?: string;
}

export interface DeployOutput {
  version: ModelVersion;
  target: string;
  outcome: DeployOutcome;
}

export async function deployStep(context: StepContext, input: DeployInput): Promise<DeployOutput> {
  const model = selectModel(context.config, input.model);
  const target = selectDeployTarget(context.config, input.target);
  const version = await context.registry.resolve(model.name, input.version || target.alias);
  const modelFile = await onnxFileIn(await verifyModelFiles(context, version));
  const smokeRequest = version.signature
    ? buildSmokeRequest(version.signature, {
        dimensions: model.benchmark.dimensions,
        inputs: model.benchmark.inputs,
      })
    : undefined;
  const outcome = await deployLocal(
    {
      target,
      model: version,
      modelFile,
      stateDir: outputPaths.deployments(context),
      serverCommand: context.serverCommand,
      smokeRequest,
      now: context.now,
    },
    { log: context.log },
  );
  return { version, target: target.name, outcome };
}

/** One line saying what a deploy did, naming what serves afterwards. */
export function describeDeployOutcome(target: string, outcome: DeployOutcome): string {
  if (outcome.status !== 'rolled-back') {
    return `${target}: ${outcome.status}, v${outcome.version} at ${outcome.url}`;
  }
  const serving =
    outcome.previousVersion === undefined
      ? 'nothing serves'
      : `v${outcome.previousVersion} still serves at ${outcome.url}`;
  return `${target}: v${outcome.version} rolled back (${outcome.reason ?? 'smoke test failed'}); ${serving}`;
}

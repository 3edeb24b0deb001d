import * as core from '@actions/core';
import {
  COMMON_INPUTS,
  createActionContext,
  optionalInput,
  setOutputs,
  writeSummary,
} from '@envoy/action-kit';
import {
  deployStep,
  deployWithGitHubDeployment,
  describeDeployOutcome,
  type DeployInput,
} from '@envoy/pipeline';

export const INPUTS = {
  ...COMMON_INPUTS,
  model: 'model',
  version: 'version',
  target: 'target',
  githubToken: 'github-token',
} as const;

export const OUTPUTS = { url: 'url', version: 'version', status: 'status' } as const;

export async function main(bundleUrl: string): Promise<void> {
  const { step, api } = await createActionContext(bundleUrl, optionalInput(INPUTS.githubToken));
  const input: DeployInput = {
    model: optionalInput(INPUTS.model),
    version: optionalInput(INPUTS.version),
    target: optionalInput(INPUTS.target),
  };
  const output = await step.log.group('Deploy', () =>
    api ? deployWithGitHubDeployment(api, step, input) : deployStep(step, input),
  );
  const { outcome } = output;
  setOutputs({
    [OUTPUTS.url]: outcome.url,
    [OUTPUTS.version]: outcome.status === 'rolled-back' ? outcome.previousVersion : outcome.version,
    [OUTPUTS.status]: outcome.status,
  });
  const summary = describeDeployOutcome(output.target, outcome);
  await writeSummary(`### ${output.version.model}\n\n${summary}\n`);
  if (outcome.status === 'rolled-back') core.setFailed(summary);
}

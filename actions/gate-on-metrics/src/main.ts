import * as core from '@actions/core';
import {
  booleanInput,
  COMMON_INPUTS,
  createActionContext,
  listInput,
  optionalInput,
  setOutputs,
  writeSummary,
} from '@envoy/action-kit';
import { annotateFailingRules, gateStep, reportGateOnGitHub, workspacePath } from '@envoy/pipeline';

export const INPUTS = {
  ...COMMON_INPUTS,
  model: 'model',
  version: 'version',
  target: 'target',
  resultsPath: 'results-path',
  promoteTo: 'promote-to',
  failOnReject: 'fail-on-reject',
  githubToken: 'github-token',
} as const;

export const OUTPUTS = {
  passed: 'passed',
  verdict: 'verdict',
  reportPath: 'report-path',
  reportDigest: 'report-digest',
  promoted: 'promoted',
} as const;

export async function main(bundleUrl: string): Promise<void> {
  const failOnReject = booleanInput(INPUTS.failOnReject, true);
  const { step, api } = await createActionContext(bundleUrl, optionalInput(INPUTS.githubToken));
  const output = await step.log.group('Gate', () =>
    gateStep(step, {
      model: optionalInput(INPUTS.model),
      version: optionalInput(INPUTS.version),
      targets: listInput(INPUTS.target),
      resultsPath: optionalInput(INPUTS.resultsPath),
      promoteTo: optionalInput(INPUTS.promoteTo),
    }),
  );
  const first = output.gates[0];
  setOutputs({
    [OUTPUTS.passed]: output.verdict === 'passed',
    [OUTPUTS.verdict]: output.verdict,
    [OUTPUTS.reportPath]: first && workspacePath(step, first.reportPath),
    [OUTPUTS.reportDigest]: first?.reportDigest,
    [OUTPUTS.promoted]: output.promoted?.alias ?? '',
  });
  await writeSummary(output.gates.map((gate) => gate.report).join('\n\n'));
  annotateFailingRules(step, output);
  if (api) await step.log.group('Report on GitHub', () => reportGateOnGitHub(api, step, output));
  else step.log.warning('github-token is empty: no pull request comment or check run was written');
  if (failOnReject && output.verdict !== 'passed') {
    core.setFailed(
      `${output.version.model} v${output.version.version}: gate verdict ${output.verdict}`,
    );
  }
}

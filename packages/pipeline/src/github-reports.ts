import { isAbsolute, relative } from 'node:path';
import {
  createDeployment,
  createGateCheckRun,
  headSha,
  pullRequestNumber,
  setDeploymentStatus,
  upsertPullRequestComment,
  type GateAnnotation,
  type GitHubClient,
} from '@envoy/github';
import type { Verdict } from '@envoy/gate';
import type { StepContext } from './context.js';
import type { GateOutput, TargetGate } from './gate.js';
import { deployStep, type DeployInput, type DeployOutput } from './deploy.js';

/** Fail closed: GitHub counts a neutral check as passing, so an unstable verdict fails too. */
const CONCLUSIONS: Record<Verdict, 'success' | 'failure'> = {
  passed: 'success',
  failed: 'failure',
  unstable: 'failure',
};

/** Puts each target's gate report where reviewers look: a PR comment and a check run. */
export async function reportGateOnGitHub(
  api: GitHubClient,
  context: StepContext,
  output: GateOutput,
): Promise<void> {
  const repository = context.github.repository;
  if (!repository) return;
  const issueNumber = pullRequestNumber(context.github);
  const sha = headSha(context.github);
  for (const gate of output.gates) {
    const model = output.version.model;
    if (issueNumber !== undefined) {
      const comment = await upsertPullRequestComment(api, {
        ...repository,
        issueNumber,
        model,
        target: gate.target,
        body: gate.report,
        log: context.log,
      });
      context.log.info(`Pull request comment ${comment.action} (${comment.id})`);
    }
    if (sha) {
      const check = await createGateCheckRun(api, {
        ...repository,
        headSha: sha,
        model,
        target: gate.target,
        conclusion: CONCLUSIONS[gate.decision.verdict],
        title: `${model} v${output.version.version} on ${gate.target}: ${gate.decision.verdict}`,
        summary: gate.report,
        annotations: failingRuleAnnotations(context, gate),
      });
      context.log.info(`Check run: ${check.url}`);
    }
  }
}

function failingRuleAnnotations(context: StepContext, gate: TargetGate): GateAnnotation[] {
  const file = context.config.file;
  if (!file) return [];
  const path = isAbsolute(file) ? relative(context.root, file) : file;
  return gate.decision.outcomes
    .filter((outcome) => !outcome.passed && !outcome.skipped && outcome.rule.position)
    .map((outcome) => ({
      path,
      line: outcome.rule.position!.line,
      message: `${outcome.rule.text}: ${outcome.reason}`,
      level: 'failure' as const,
    }));
}

/**
 * Deploys with a GitHub deployment around it: in progress, then success with the endpoint,
 * or failure when the new version was rolled back.
 */
export async function deployWithGitHubDeployment(
  api: GitHubClient,
  context: StepContext,
  input: DeployInput,
): Promise<DeployOutput> {
  const repository = context.github.repository;
  const ref = context.github.sha ?? context.github.ref;
  if (!repository || !ref) return deployStep(context, input);
  const target =
    context.config.deploy.find((t) => t.name === input.target) ?? context.config.deploy[0];
  const environment = target?.environment ?? 'production';
  const { id } = await createDeployment(api, {
    ...repository,
    ref,
    environment,
    description: `envoy deploy ${input.model ?? ''} ${input.version ?? target?.alias ?? ''}`.trim(),
  });
  const logUrl = context.github.runUrl;
  await setDeploymentStatus(api, { ...repository, deploymentId: id, state: 'in_progress', logUrl });
  try {
    const output = await deployStep(context, input);
    const failed = output.outcome.status === 'rolled-back';
    await setDeploymentStatus(api, {
      ...repository,
      deploymentId: id,
      state: failed ? 'failure' : 'success',
      environmentUrl: failed ? undefined : output.outcome.url,
      description: failed
        ? `rolled back: ${output.outcome.reason}`
        : `serving v${output.version.version}`,
      logUrl,
    });
    return output;
  } catch (error) {
    await setDeploymentStatus(api, {
      ...repository,
      deploymentId: id,
      state: 'error',
      description: String(error instanceof Error ? error.message : error),
      logUrl,
    });
    throw error;
  }
}

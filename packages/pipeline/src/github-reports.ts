import {
  createDeployment,
  createGateCheckRun,
  headSha,
  pullRequestNumber,
  setDeploymentStatus,
  upsertPullRequestComment,
  type DeploymentStatusArgs,
  type GateAnnotation,
  type GitHubClient,
} from '@envoy/github';
import { selectDeployTarget } from '@envoy/config';
import type { Verdict } from '@envoy/gate';
import { workspacePath, type StepContext } from './context.js';
import type { GateOutput, TargetGate } from './gate.js';
import { deployStep, type DeployInput, type DeployOutput } from './deploy.js';

/** Fail closed: GitHub counts a neutral check as passing, so an unstable verdict fails too. */
const CONCLUSIONS: Record<Verdict, 'success' | 'failure'> = {
  passed: 'success',
  failed: 'failure',
  unstable: 'failure',
};

/**
 * Puts each target's gate report where reviewers look: a PR comment and a check run. The gate
 * has already decided; a failure to report is a warning that says which call failed and which
 * permission it needs, never a change of verdict.
 */
export async function reportGateOnGitHub(
  api: GitHubClient,
  context: StepContext,
  output: GateOutput,
): Promise<void> {
  const repository = context.github.repository;
  if (!repository) return;
  const issueNumber = pullRequestNumber(context.github);
  const sha = headSha(context.github);
  const model = output.version.model;
  for (const gate of output.gates) {
    if (issueNumber !== undefined) {
      await warnOnFailure(
        context,
        `comment on pull request #${issueNumber}`,
        'pull-requests: write',
        async () => {
          const comment = await upsertPullRequestComment(api, {
            ...repository,
            issueNumber,
            model,
            target: gate.target,
            body: gate.report,
            log: context.log,
          });
          context.log.info(`Pull request comment ${comment.action} (${comment.id})`);
        },
      );
    }
    if (sha) {
      await warnOnFailure(
        context,
        `create the check run for ${gate.target}`,
        'checks: write',
        async () => {
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
        },
      );
    }
  }
}

async function warnOnFailure(
  context: StepContext,
  what: string,
  permission: string,
  call: () => Promise<void>,
): Promise<void> {
  try {
    await call();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.log.warning(
      `Could not ${what} on GitHub: ${reason}. Does the job grant the token "${permission}"?`,
    );
  }
}

function failingRuleAnnotations(context: StepContext, gate: TargetGate): GateAnnotation[] {
  const file = context.config.file;
  if (!file) return [];
  const path = workspacePath(context, file);
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
 * or failure when the new version was rolled back. GitHub's record is bookkeeping: when the
 * API refuses, the deploy still happens and a warning says why.
 */
export async function deployWithGitHubDeployment(
  api: GitHubClient,
  context: StepContext,
  input: DeployInput,
): Promise<DeployOutput> {
  const repository = context.github.repository;
  const ref = context.github.sha ?? context.github.ref;
  if (!repository || !ref) return deployStep(context, input);
  const target = selectDeployTarget(context.config, input.target);
  let deploymentId: number | undefined;
  await warnOnFailure(context, 'create a deployment', 'deployments: write', async () => {
    const created = await createDeployment(api, {
      ...repository,
      ref,
      environment: target.environment,
      description: `envoy deploy ${input.version || target.alias} to ${target.name}`,
    });
    deploymentId = created.id;
  });
  const setStatus = async (
    status: Omit<DeploymentStatusArgs, 'owner' | 'repo' | 'deploymentId'>,
  ) => {
    if (deploymentId === undefined) return;
    const args = { ...repository, deploymentId, logUrl: context.github.runUrl, ...status };
    await warnOnFailure(context, `mark the deployment ${status.state}`, 'deployments: write', () =>
      setDeploymentStatus(api, args),
    );
  };
  await setStatus({ state: 'in_progress' });
  try {
    const output = await deployStep(context, input);
    const { outcome } = output;
    if (outcome.status === 'rolled-back') {
      await setStatus({ state: 'failure', description: `rolled back: ${outcome.reason ?? ''}` });
    } else {
      await setStatus({
        state: 'success',
        environmentUrl: outcome.url,
        description: `serving v${outcome.version}`,
      });
    }
    return output;
  } catch (error) {
    await setStatus({
      state: 'error',
      description: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

import type { GitHubClient } from './client.js';

/** GitHub refuses deployment status descriptions longer than this. */
const MAX_STATUS_DESCRIPTION = 140;

export interface CreateDeploymentArgs {
  owner: string;
  repo: string;
  /** Branch, tag or commit sha. */
  ref: string;
  environment: string;
  description: string;
  payload?: object;
  /** The environment goes away later (a preview per pull request). Default false. */
  transient?: boolean;
  /** End users use it. Default: true only for an environment named `production`. */
  production?: boolean;
}

/**
 * Records a deployment on GitHub. `auto_merge` is off: Envoy deploys exactly the commit it
 * benchmarked and gated, never a merge GitHub makes on the way. `required_contexts` is empty
 * because the gate is Envoy's own check and has already passed when this runs, while the
 * workflow's other checks (this very job among them) are still running; GitHub's default would
 * refuse the deployment with 409 until they all succeed.
 */
export async function createDeployment(
  client: GitHubClient,
  args: CreateDeploymentArgs,
): Promise<{ id: number }> {
  const response = await client.rest.repos.createDeployment({
    owner: args.owner,
    repo: args.repo,
    ref: args.ref,
    environment: args.environment,
    description: args.description,
    payload: args.payload as Record<string, unknown> | undefined,
    auto_merge: false,
    required_contexts: [],
    transient_environment: args.transient ?? false,
    production_environment: args.production ?? args.environment === 'production',
  });
  const data = response.data as { id?: number; message?: string };
  if (typeof data.id !== 'number') {
    throw new Error(
      `GitHub did not create a deployment of ${args.ref} to ${args.environment}: ${data.message ?? `status ${response.status}`}`,
    );
  }
  return { id: data.id };
}

export interface DeploymentStatusArgs {
  owner: string;
  repo: string;
  deploymentId: number;
  state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';
  /** Where the deployed model answers; shown as "View deployment" on GitHub. */
  environmentUrl?: string;
  /** Cut to GitHub's 140 characters. */
  description?: string;
  /** Usually the workflow run. */
  logUrl?: string;
}

export async function setDeploymentStatus(
  client: GitHubClient,
  args: DeploymentStatusArgs,
): Promise<void> {
  await client.rest.repos.createDeploymentStatus({
    owner: args.owner,
    repo: args.repo,
    deployment_id: args.deploymentId,
    state: args.state,
    environment_url: args.environmentUrl,
    description: args.description && cut(args.description, MAX_STATUS_DESCRIPTION),
    log_url: args.logUrl,
  });
}

function cut(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

import { readFileSync } from 'node:fs';
import { UserError, type Lineage } from '@envoy/core';

/** What a workflow run knows about itself, read from the GITHUB_* environment variables. */
export interface GitHubContext {
  eventName: string;
  /** The webhook payload of the triggering event ({} outside Actions). */
  payload: Record<string, unknown>;
  repository?: { owner: string; repo: string };
  sha?: string;
  ref?: string;
  actor?: string;
  /** Link to this run (and attempt) on GitHub. */
  runUrl?: string;
  serverUrl: string;
  apiUrl: string;
  workspace?: string;
  isActions: boolean;
}

const DEFAULT_SERVER_URL = 'https://github.com';
export const DEFAULT_API_URL = 'https://api.github.com';

/**
 * Reads the run's context from `env`. The event payload is read from GITHUB_EVENT_PATH
 * through `readFile`; a payload that cannot be read or parsed is an error, not an empty event.
 */
export function readGitHubContext(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): GitHubContext {
  const serverUrl = trimSlashes(nonEmpty(env['GITHUB_SERVER_URL']) ?? DEFAULT_SERVER_URL);
  const repository = parseRepository(nonEmpty(env['GITHUB_REPOSITORY']));
  return {
    eventName: nonEmpty(env['GITHUB_EVENT_NAME']) ?? '',
    payload: readPayload(nonEmpty(env['GITHUB_EVENT_PATH']), readFile),
    repository,
    sha: nonEmpty(env['GITHUB_SHA']),
    ref: nonEmpty(env['GITHUB_REF']),
    actor: nonEmpty(env['GITHUB_ACTOR']),
    runUrl: runUrl(serverUrl, repository, env['GITHUB_RUN_ID'], env['GITHUB_RUN_ATTEMPT']),
    serverUrl,
    apiUrl: trimSlashes(nonEmpty(env['GITHUB_API_URL']) ?? DEFAULT_API_URL),
    workspace: nonEmpty(env['GITHUB_WORKSPACE']),
    isActions: env['GITHUB_ACTIONS'] === 'true',
  };
}

function readPayload(
  path: string | undefined,
  readFile: (path: string) => string,
): Record<string, unknown> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`GITHUB_EVENT_PATH '${path}' cannot be read: ${reason}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`GITHUB_EVENT_PATH '${path}' is not valid JSON: ${reason}`);
  }
  if (!isRecord(payload)) {
    throw new UserError(`GITHUB_EVENT_PATH '${path}' does not hold a JSON object`);
  }
  return payload;
}

function parseRepository(text: string | undefined): GitHubContext['repository'] {
  if (text === undefined) return undefined;
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (!match) {
    throw new UserError(`GITHUB_REPOSITORY '${text}' is not of the form 'owner/repo'`);
  }
  return { owner: match[1]!, repo: match[2]! };
}

function runUrl(
  serverUrl: string,
  repository: GitHubContext['repository'],
  runId: string | undefined,
  attempt: string | undefined,
): string | undefined {
  if (!repository || !nonEmpty(runId)) return undefined;
  const url = `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${runId}`;
  return nonEmpty(attempt) ? `${url}/attempts/${attempt}` : url;
}

/** The pull request the run is about: from a pull_request event, a PR comment, or refs/pull/N/. */
export function pullRequestNumber(context: GitHubContext): number | undefined {
  const pullRequest = record(context.payload['pull_request']);
  if (typeof pullRequest?.['number'] === 'number') return pullRequest['number'];
  const issue = record(context.payload['issue']);
  if (issue?.['pull_request'] && typeof issue['number'] === 'number') return issue['number'];
  const match = /^refs\/pull\/(\d+)\//.exec(context.ref ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The commit the run is about. For pull requests this is the PR's head commit, not the
 * merge commit in GITHUB_SHA, so that check runs show on the PR.
 */
export function headSha(context: GitHubContext): string | undefined {
  const head = record(record(context.payload['pull_request'])?.['head']);
  return stringField(head, 'sha') ?? context.sha;
}

/** Where a model version came from, for each kind of triggering event. */
export function lineageFromContext(context: GitHubContext): Lineage {
  const lineage: Lineage = {
    event: context.eventName || undefined,
    repository: context.repository && `${context.repository.owner}/${context.repository.repo}`,
    commit: headSha(context),
    ref: context.ref,
    runUrl: context.runUrl,
    actor: context.actor ?? stringField(record(context.payload['sender']), 'login'),
  };
  const pullRequest = record(context.payload['pull_request']);
  if (pullRequest) {
    lineage.pullRequest = pullRequestNumber(context);
    lineage.ref = stringField(record(pullRequest['head']), 'ref') ?? lineage.ref;
  }
  if (context.eventName === 'push') {
    lineage.commit = stringField(context.payload, 'after') ?? lineage.commit;
    lineage.ref = stringField(context.payload, 'ref') ?? lineage.ref;
  }
  if (context.eventName === 'workflow_dispatch') {
    lineage.ref = stringField(context.payload, 'ref') ?? lineage.ref;
  }
  const releaseTag = stringField(record(context.payload['release']), 'tag_name');
  if (releaseTag !== undefined) lineage.ref = `refs/tags/${releaseTag}`;
  lineage.tag = releaseTag ?? tagFromRef(lineage.ref);
  lineage.schedule = stringField(context.payload, 'schedule');
  return dropUndefined(lineage);
}

function tagFromRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

function dropUndefined(lineage: Lineage): Lineage {
  return Object.fromEntries(
    Object.entries(lineage).filter(([, value]) => value !== undefined),
  ) as Lineage;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function stringField(object: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

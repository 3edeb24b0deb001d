// Reading the run's context and lineage. Event payloads are GitHub's own webhook examples
// (npm @octokit/webhooks-examples), written to a real file that GITHUB_EVENT_PATH names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import {
  headSha,
  lineageFromContext,
  pullRequestNumber,
  readGitHubContext,
  type GitHubContext,
} from '../src/index.js';

interface WebhookDefinition {
  name: string;
  examples: Array<Record<string, unknown>>;
}

const definitions = createRequire(import.meta.url)(
  '@octokit/webhooks-examples',
) as WebhookDefinition[];

function example(
  event: string,
  matches: (payload: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  const found = definitions.find((definition) => definition.name === event)?.examples.find(matches);
  if (!found) throw new Error(`no ${event} example matches`);
  return found;
}

const directory = mkdtempSync(join(tmpdir(), 'envoy-github-context-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The environment a runner gives a job triggered by `payload`. */
function runnerEnvironment(
  eventName: string,
  payload: Record<string, unknown>,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const path = join(directory, `${eventName}.json`);
  writeFileSync(path, JSON.stringify(payload));
  const repository = payload['repository'] as { full_name: string } | undefined;
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: repository?.full_name ?? 'acme/models',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '1234',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_WORKSPACE: '/home/runner/work/models/models',
    ...extra,
  };
}

describe('readGitHubContext', () => {
  it('reads every variable the runner sets', () => {
    const payload = example('workflow_dispatch', () => true);
    const context = readGitHubContext(
      runnerEnvironment('workflow_dispatch', payload, {
        GITHUB_REPOSITORY: 'acme/models',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      }),
    );

    expect(context).toEqual({
      eventName: 'workflow_dispatch',
      payload,
      repository: { owner: 'acme', repo: 'models' },
      sha: 'f'.repeat(40),
      ref: 'refs/heads/main',
      actor: 'octocat',
      runUrl: 'https://ghe.example.com/acme/models/actions/runs/1234/attempts/2',
      serverUrl: 'https://ghe.example.com',
      apiUrl: 'https://ghe.example.com/api/v3',
      workspace: '/home/runner/work/models/models',
      isActions: true,
    });
  });

  it('gives defaults outside GitHub Actions', () => {
    expect(readGitHubContext({})).toEqual({
      eventName: '',
      payload: {},
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      isActions: false,
    });
  });

  it.each([
    [{ GITHUB_REPOSITORY: 'no-slash' }, /GITHUB_REPOSITORY 'no-slash' is not of the form/],
    [
      { GITHUB_EVENT_PATH: '/nowhere/event.json' },
      /GITHUB_EVENT_PATH '\/nowhere\/event.json' cannot be read/,
    ],
  ])('refuses %j with a UserError naming the variable', (env, message) => {
    expect(() => readGitHubContext(env)).toThrow(UserError);
    expect(() => readGitHubContext(env)).toThrow(message);
  });

  it.each([
    ['{ not json', /is not valid JSON/],
    ['[1, 2]', /does not hold a JSON object/],
  ])('refuses an event payload of %j', (text, message) => {
    const read = () => readGitHubContext({ GITHUB_EVENT_PATH: '/event.json' }, () => text);
    expect(read).toThrow(UserError);
    expect(read).toThrow(message);
  });
});

describe('lineageFromContext', () => {
  const run = 'https://github.com/Codertocat/Hello-World/actions/runs/1234/attempts/2';

  it('pull_request: the PR number, its head commit and head branch', () => {
    const payload = example('pull_request', (p) => p['action'] === 'opened');
    const pr = payload['pull_request'] as { number: number; head: { sha: string; ref: string } };
    const context = readGitHubContext(
      runnerEnvironment('pull_request', payload, { GITHUB_REF: `refs/pull/${pr.number}/merge` }),
    );

    expect(lineageFromContext(context)).toEqual({
      event: 'pull_request',
      repository: (payload['repository'] as { full_name: string }).full_name,
      commit: pr.head.sha,
      ref: pr.head.ref,
      pullRequest: pr.number,
      runUrl: expect.stringMatching(/\/actions\/runs\/1234\/attempts\/2$/),
      actor: 'octocat',
    });
    expect(pullRequestNumber(context)).toBe(pr.number);
    expect(headSha(context)).toBe(pr.head.sha);
    expect(headSha(context)).not.toBe(context.sha);
  });

  it('push of a tag: the tag and the pushed commit', () => {
    const payload = example('push', (p) => String(p['ref']).startsWith('refs/tags/'));
    const context = readGitHubContext(
      runnerEnvironment('push', payload, { GITHUB_REF: String(payload['ref']) }),
    );

    expect(lineageFromContext(context)).toEqual({
      event: 'push',
      repository: 'Codertocat/Hello-World',
      commit: payload['after'],
      ref: 'refs/tags/simple-tag',
      tag: 'simple-tag',
      runUrl: run,
      actor: 'octocat',
    });
    expect(pullRequestNumber(context)).toBeUndefined();
  });

  it('push of a branch: no tag', () => {
    const payload = example('push', (p) => p['ref'] === 'refs/heads/master');
    const lineage = lineageFromContext(readGitHubContext(runnerEnvironment('push', payload)));

    expect(lineage.ref).toBe('refs/heads/master');
    expect(lineage.tag).toBeUndefined();
    expect(lineage.commit).toBe(payload['after']);
  });

  it('release: the release tag', () => {
    const payload = example('release', (p) => p['action'] === 'published');
    const context = readGitHubContext(runnerEnvironment('release', payload));

    expect(lineageFromContext(context)).toEqual({
      event: 'release',
      repository: 'Codertocat/Hello-World',
      commit: 'f'.repeat(40),
      ref: 'refs/tags/0.0.1',
      tag: '0.0.1',
      runUrl: run,
      actor: 'octocat',
    });
  });

  it('schedule: the cron line (GitHub sends {schedule: cron}, no webhook example exists)', () => {
    const context = readGitHubContext(
      runnerEnvironment('schedule', { schedule: '17 3 * * 1' }, { GITHUB_REF: 'refs/heads/main' }),
    );

    expect(lineageFromContext(context)).toEqual({
      event: 'schedule',
      repository: 'acme/models',
      commit: 'f'.repeat(40),
      ref: 'refs/heads/main',
      schedule: '17 3 * * 1',
      runUrl: 'https://github.com/acme/models/actions/runs/1234/attempts/2',
      actor: 'octocat',
    });
  });

  it('workflow_dispatch: the ref it was started on', () => {
    const payload = example('workflow_dispatch', (p) => p['ref'] === 'refs/heads/main');
    const lineage = lineageFromContext(
      readGitHubContext(runnerEnvironment('workflow_dispatch', payload)),
    );

    expect(lineage).toMatchObject({
      event: 'workflow_dispatch',
      ref: 'refs/heads/main',
      commit: 'f'.repeat(40),
      actor: 'octocat',
    });
    expect(lineage.pullRequest).toBeUndefined();
    expect(lineage.tag).toBeUndefined();
  });

  it('outside Actions: nothing but what is known', () => {
    expect(lineageFromContext(readGitHubContext({}))).toEqual({});
  });

  it('falls back to the payload sender when GITHUB_ACTOR is missing', () => {
    const context: GitHubContext = {
      ...readGitHubContext({}),
      eventName: 'push',
      payload: { sender: { login: 'hubot' } },
    };
    expect(lineageFromContext(context).actor).toBe('hubot');
  });

  it('reads the PR number of a pull_request comment and of a refs/pull ref', () => {
    const base = readGitHubContext({});
    expect(
      pullRequestNumber({ ...base, payload: { issue: { number: 9, pull_request: {} } } }),
    ).toBe(9);
    expect(pullRequestNumber({ ...base, payload: { issue: { number: 9 } } })).toBeUndefined();
    expect(pullRequestNumber({ ...base, ref: 'refs/pull/31/merge' })).toBe(31);
  });
});

// The GitHub client (retries, throttling, masking) against a fake GitHub: a local HTTP server
// that stands in for the GitHub REST API and checks every request against GitHub's published
// OpenAPI description (test/support/fake-github.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '@envoy/core';
import { createGitHubClient, maskCredential } from '../src/index.js';
import { FakeGitHub, type Fault } from '../../../test/support/fake-github.js';
import { fakeClient } from './fake-client.js';

const repo = { owner: 'acme', repo: 'models' };
const checkRun = { ...repo, name: 'envoy gate: m on t', head_sha: 'a'.repeat(40) };

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('retries and rate limits', () => {
  it.each<[string, Fault, number]>([
    ['502 answers', { kind: 'server-error', status: 502 }, 502],
    ['503 answers', { kind: 'server-error', status: 503 }, 503],
    ['primary rate limits (403, x-ratelimit-remaining: 0)', { kind: 'rate-limit' }, 403],
    ['secondary rate limits (403, retry-after)', { kind: 'secondary-rate-limit' }, 403],
    ['429 answers with retry-after', { kind: 'secondary-rate-limit', status: 429 }, 429],
  ])('retries %s and then succeeds', async (_name, fault, faultStatus) => {
    fake = await FakeGitHub.start();
    fake.failNext('issues/create-comment', 2, fault);
    const { client } = fakeClient(fake);

    const { status } = await client.rest.issues.createComment({
      ...repo,
      issue_number: 1,
      body: 'hello',
    });

    expect(status).toBe(201);
    const statuses = fake.requestsTo('issues/create-comment').map((request) => request.status);
    expect(statuses).toEqual([faultStatus, faultStatus, 201]);
    expect(fake.issueComments('acme', 'models', 1)).toHaveLength(1);
  });

  it('gives up after the configured number of retries', async () => {
    fake = await FakeGitHub.start();
    fake.failNext('checks/create', 10, { kind: 'server-error', status: 500 });
    const { client } = fakeClient(fake, { retries: 2 });

    await expect(
      client.rest.checks.create({ ...checkRun, conclusion: 'success' }),
    ).rejects.toMatchObject({ status: 500 });
    expect(fake.requestsTo('checks/create')).toHaveLength(3);
  });

  it('gives up on a rate limit after the retries, with a warning', async () => {
    fake = await FakeGitHub.start();
    fake.failNext('checks/create', 10, { kind: 'rate-limit' });
    const { client, log } = fakeClient(fake, { retries: 1 });

    await expect(
      client.rest.checks.create({ ...checkRun, conclusion: 'success' }),
    ).rejects.toMatchObject({ status: 403 });
    expect(fake.requestsTo('checks/create')).toHaveLength(2);
    expect(log.lines.some((line) => line.startsWith('warning: GitHub rate limit'))).toBe(true);
  });

  it('does not wait out a rate limit that resets more than 5 minutes later', async () => {
    fake = await FakeGitHub.start();
    fake.failNext('checks/create', 1, { kind: 'rate-limit', resetInSeconds: 600 });
    const { client, log } = fakeClient(fake);

    await expect(
      client.rest.checks.create({ ...checkRun, conclusion: 'success' }),
    ).rejects.toMatchObject({ status: 403 });
    expect(fake.requestsTo('checks/create')).toHaveLength(1);
    expect(log.lines.join('\n')).toMatch(/giving up after 0 retries \(reset in 60\ds\)/);
  });

  it('does not retry a request GitHub rejects as invalid', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    await expect(
      client.rest.checks.create({ ...checkRun, conclusion: 'passed' as 'success' }),
    ).rejects.toMatchObject({ status: 422 });
    expect(fake.requestsTo('checks/create')).toHaveLength(1);
  });
});

describe('the fake GitHub holds requests to the OpenAPI description', () => {
  it('answers 422 Validation Failed to a check run with an invalid conclusion', async () => {
    fake = await FakeGitHub.start();
    const response = await fetch(`${fake.url}/repos/acme/models/check-runs`, {
      method: 'POST',
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: JSON.stringify({
        ...checkRun,
        owner: undefined,
        repo: undefined,
        conclusion: 'passed',
      }),
    });

    expect(response.status).toBe(422);
    const body = (await response.json()) as { message: string; errors: Array<{ field: string }> };
    expect(body.message).toBe('Validation Failed');
    expect(body.errors.map((error) => error.field)).toEqual(['conclusion']);
    expect(fake.checkRuns).toHaveLength(0);
  });

  it('answers 422 to more than 50 annotations in one request, the documented limit', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);
    const annotation = {
      path: 'envoy.yaml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure' as const,
      message: 'x',
    };

    const create = (count: number) =>
      client.rest.checks.create({
        ...checkRun,
        conclusion: 'failure',
        output: { title: 't', summary: 's', annotations: Array(count).fill(annotation) },
      });

    await expect(create(51)).rejects.toMatchObject({ status: 422 });
    await expect(create(50)).resolves.toMatchObject({ status: 201 });
  });

  it('reads OpenAPI nullable: a null description is accepted, a null ref is not', async () => {
    fake = await FakeGitHub.start();
    const post = (body: object) =>
      fetch(`${fake!.url}/repos/acme/models/deployments`, {
        method: 'POST',
        headers: { authorization: 'token t' },
        body: JSON.stringify(body),
      });

    expect((await post({ ref: 'main', description: null })).status).toBe(201);
    expect((await post({ ref: null })).status).toBe(422);
  });

  it('answers 422 when a required field is missing', async () => {
    fake = await FakeGitHub.start();
    const response = await fetch(`${fake.url}/repos/acme/models/deployments`, {
      method: 'POST',
      headers: { authorization: 'token t' },
      body: JSON.stringify({ environment: 'production' }),
    });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      errors: [{ field: 'ref', code: 'missing_field' }],
    });
  });

  it.each([
    ['GET', '/repos/acme/models/no-such-thing'],
    ['DELETE', '/user'],
    ['POST', '/repos/acme/models/issues/1/comments/extra'],
  ])('answers 404 to %s %s, which GitHub does not have', async (method, path) => {
    fake = await FakeGitHub.start();
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: 'token t' },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: 'Not Found' });
  });

  it('answers 401 without an authorization header', async () => {
    fake = await FakeGitHub.start();
    const response = await fetch(`${fake.url}/repos/acme/models/issues/1/comments`);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Requires authentication' });
  });

  it('records method, path, query, body and headers of every request', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake, { token: 'ghs_recorded' });

    await client.rest.issues.listComments({ ...repo, issue_number: 3, per_page: 5 });

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'GET',
      path: '/repos/acme/models/issues/3/comments',
      query: { per_page: '5' },
      operationId: 'issues/list-comments',
      status: 200,
      headers: { authorization: 'token ghs_recorded' },
    });
  });
});

/** Remembers what was masked, and masks it too. */
class MaskRecordingLog extends MemoryLog {
  readonly masked: string[] = [];

  override mask(secret: string): void {
    this.masked.push(secret);
    super.mask(secret);
  }
}

describe('masking', () => {
  const token = 'ghs_S3cretT0kenValue1234567890';
  const derived = [
    token,
    Buffer.from(`x-access-token:${token}`).toString('base64'),
    Buffer.from(`${token}:`).toString('base64'),
    Buffer.from(`:${token}`).toString('base64'),
    Buffer.from(token).toString('base64'),
  ];

  it('masks the token and every base64 credential derived from it', () => {
    const log = new MaskRecordingLog();

    maskCredential(token, log);

    expect(log.masked).toEqual(expect.arrayContaining(derived));
  });

  it('never lets the token or its derived forms reach the log, debug included', async () => {
    fake = await FakeGitHub.start();
    fake.failNext('issues/create-comment', 1, { kind: 'server-error' });
    const log = new MemoryLog();
    const client = createGitHubClient({
      token,
      apiUrl: fake.url,
      log,
      pacing: { retryBaseMs: 5, writeIntervalMs: 0 },
    });
    await client.rest.issues.createComment({ ...repo, issue_number: 1, body: 'x' });
    for (const secret of derived) {
      log.debug(`git -c http.extraheader="AUTHORIZATION: basic ${secret}" fetch`);
      log.info(`token ${secret}`);
    }

    expect(fake.requests[0]!.headers['authorization']).toBe(`token ${token}`);
    expect(log.lines.some((line) => line.startsWith('debug: GitHub POST'))).toBe(true);
    const logged = log.lines.join('\n');
    for (const secret of derived) expect(logged).not.toContain(secret);
  });

  it('masks nothing for an empty token', () => {
    const log = new MaskRecordingLog();
    maskCredential('  ', log);
    expect(log.masked).toEqual([]);
  });
});

describe('base URL', () => {
  it('takes GITHUB_API_URL when no apiUrl is given', async () => {
    fake = await FakeGitHub.start();
    const saved = process.env['GITHUB_API_URL'];
    process.env['GITHUB_API_URL'] = `${fake.url}/`;
    try {
      const client = createGitHubClient({ token: 't', log: new MemoryLog() });
      await client.rest.repos.listDeployments(repo);
    } finally {
      if (saved === undefined) delete process.env['GITHUB_API_URL'];
      else process.env['GITHUB_API_URL'] = saved;
    }
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/repos/acme/models/deployments',
    ]);
  });
});

// Deployments and their statuses against a fake GitHub: a local HTTP server that stands in for
// the GitHub REST API and checks every request against GitHub's published OpenAPI
// description (test/support/fake-github.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createDeployment, setDeploymentStatus } from '../src/index.js';
import { FakeGitHub } from '../../../test/support/fake-github.js';
import { fakeClient } from './fake-client.js';

const repo = { owner: 'acme', repo: 'models' };
const sha = 'ab12'.padEnd(40, 'f');

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('deployments', () => {
  it('records in_progress then success with the environment URL', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    const { id } = await createDeployment(client, {
      ...repo,
      ref: sha,
      environment: 'production',
      description: 'silero-vad v3 to l4',
      payload: { model: 'silero-vad', version: 3 },
    });
    await setDeploymentStatus(client, {
      ...repo,
      deploymentId: id,
      state: 'in_progress',
      logUrl: 'https://github.com/acme/models/actions/runs/1',
    });
    await setDeploymentStatus(client, {
      ...repo,
      deploymentId: id,
      state: 'success',
      environmentUrl: 'https://vad.example.com',
      description: 'serving',
    });

    expect(fake.requestsTo('repos/create-deployment')[0]!.body).toMatchObject({
      ref: sha,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: true,
      payload: { model: 'silero-vad', version: 3 },
    });
    const statuses = await client.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: id,
    });
    expect(statuses.data.map((status) => [status.state, status.environment_url])).toEqual([
      ['success', 'https://vad.example.com'],
      ['in_progress', ''],
    ]);
    expect(statuses.data[1]!.log_url).toBe('https://github.com/acme/models/actions/runs/1');
  });

  it('records a failure, and marks preview environments transient', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    const { id } = await createDeployment(client, {
      ...repo,
      ref: 'refs/heads/feature',
      environment: 'pr-42',
      description: 'preview',
      transient: true,
    });
    await setDeploymentStatus(client, { ...repo, deploymentId: id, state: 'in_progress' });
    await setDeploymentStatus(client, {
      ...repo,
      deploymentId: id,
      state: 'failure',
      description: `health check failed: ${'x'.repeat(300)}`,
    });

    const deployment = fake.deployments[0]!;
    expect(deployment).toMatchObject({
      environment: 'pr-42',
      transientEnvironment: true,
      productionEnvironment: false,
    });
    expect(deployment.statuses.map((status) => status.state)).toEqual(['in_progress', 'failure']);
    expect(deployment.statuses[1]!.description).toHaveLength(140);
    expect(deployment.statuses[1]!.description).toMatch(/^health check failed: x+…$/);
  });

  it('fails when the deployment does not exist', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    await expect(
      setDeploymentStatus(client, { ...repo, deploymentId: 99, state: 'success' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

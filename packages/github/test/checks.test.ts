// Gate check runs against a fake GitHub: a local HTTP server that stands in for the GitHub
// REST API and checks every request against GitHub's published OpenAPI description
// (test/support/fake-github.ts), which allows at most 50 annotations per request.
import { afterEach, describe, expect, it } from 'vitest';
import { createGateCheckRun, type GateAnnotation } from '../src/index.js';
import { FakeGitHub } from '../../../test/support/fake-github.js';
import { fakeClient } from './fake-client.js';

const sha = 'c0ffee'.padEnd(40, '0');

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function annotations(count: number): GateAnnotation[] {
  return Array.from({ length: count }, (_, index) => ({
    path: 'envoy.yaml',
    line: index + 1,
    message: `rule ${index + 1} failed`,
  }));
}

describe('createGateCheckRun', () => {
  it('creates a completed check run with name, conclusion, summary and annotations', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    const result = await createGateCheckRun(client, {
      owner: 'acme',
      repo: 'models',
      headSha: sha,
      model: 'silero-vad',
      target: 'l4',
      conclusion: 'failure',
      title: '1 of 3 rules failed',
      summary: '| rule | value |\n|---|---|\n| p99 < 20 ms | 31 ms |',
      annotations: [
        { path: 'envoy.yaml', line: 12, message: 'p99 latency 31 ms exceeds 20 ms' },
        { path: 'envoy.yaml', line: 14, message: 'throughput close to limit', level: 'warning' },
      ],
    });

    const run = fake.checkRuns[0]!;
    expect(fake.checkRuns).toHaveLength(1);
    expect(result).toEqual({ id: run.id, url: `https://github.com/acme/models/runs/${run.id}` });
    expect(run).toMatchObject({
      name: 'envoy gate: silero-vad on l4',
      headSha: sha,
      status: 'completed',
      conclusion: 'failure',
      output: { title: '1 of 3 rules failed', summary: expect.stringContaining('| 31 ms |') },
    });
    expect(run.annotations).toEqual([
      expect.objectContaining({
        path: 'envoy.yaml',
        start_line: 12,
        end_line: 12,
        annotation_level: 'failure',
      }),
      expect.objectContaining({ start_line: 14, annotation_level: 'warning' }),
    ]);
  });

  it.each([
    [0, 0],
    [50, 0],
    [51, 1],
    [120, 2],
  ])('sends %i annotations as one create and %i updates', async (count, updates) => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    const { id } = await createGateCheckRun(client, {
      owner: 'acme',
      repo: 'models',
      headSha: sha,
      model: 'm',
      target: 't',
      conclusion: count === 0 ? 'success' : 'failure',
      title: 'gate',
      summary: 'report',
      annotations: annotations(count),
    });

    expect(fake.requestsTo('checks/create')).toHaveLength(1);
    const updateRequests = fake.requestsTo('checks/update');
    expect(updateRequests).toHaveLength(updates);
    for (const request of [...fake.requestsTo('checks/create'), ...updateRequests]) {
      expect(request.status).toBeLessThan(300);
      const output = (request.body as { output: { annotations: unknown[] } }).output;
      expect(output.annotations.length).toBeLessThanOrEqual(50);
    }
    const listed = await client.paginate(client.rest.checks.listAnnotations, {
      owner: 'acme',
      repo: 'models',
      check_run_id: id,
      per_page: 100,
    });
    expect(listed.map((annotation) => annotation.start_line)).toEqual(
      annotations(count).map((annotation) => annotation.line),
    );
    expect(fake.checkRuns[0]!.output.summary).toBe('report');
  });

  it('cuts a summary longer than GitHub accepts', async () => {
    fake = await FakeGitHub.start();
    const { client } = fakeClient(fake);

    await createGateCheckRun(client, {
      owner: 'acme',
      repo: 'models',
      headSha: sha,
      model: 'm',
      target: 't',
      conclusion: 'neutral',
      title: 'gate',
      summary: 'x'.repeat(70_000),
      annotations: [],
    });

    const summary = fake.checkRuns[0]!.output.summary!;
    expect(summary.length).toBe(65535);
    expect(summary).toContain('full report is in the job log');
  });
});

// The five bundled actions run in order exactly as the Actions runner runs them (INPUT_*
// variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, an event payload file), each step's
// outputs fed into the next, on a real Silero VAD model. GitHub itself is stood in for by a
// local server that checks every request against GitHub's published OpenAPI description
// (test/support/fake-github.ts); the event is a real pull_request example from
// @octokit/webhooks-examples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runBundledAction, type ActionRun } from './support/actions-runner.js';
import { FakeGitHub } from './support/fake-github.js';

const REPO = resolve(import.meta.dirname, '..');
const EXAMPLE = join(REPO, 'examples', 'silero-vad');
const MODEL = join(REPO, 'node_modules', '@ricky0123', 'vad-web', 'dist', 'silero_vad_v5.onnx');
const TOKEN = 'ghs_e2eSecretToken0123456789abcdefABCDEF';

const SETTINGS = `version: "1"
models:
  - name: vad
    path: models/vad.onnx
hardware:
  - name: cpu
    kind: cpu
benchmark:
  warmup: 3
  iterations: 20
  trials: 2
  max-cv: 10
  inputs:
    input: { shape: [1, 512] }
    sr: { value: 16000 }
    state: { shape: [2, 1, 128], fill: zeros }
evaluation:
  command: [node, ${JSON.stringify(join(EXAMPLE, 'evaluate.mjs'))}, --model, "{model}", --data, ${JSON.stringify(join(EXAMPLE, 'data'))}]
gate:
  rules:
    - f1 >= 0.9
    - latency_p99_ms <= 1000
    - f1 >= baseline - 0.05
deploy:
  - name: local
    environment: staging
`;

interface WebhookDefinition {
  name: string;
  examples: Array<Record<string, unknown>>;
}

function pullRequestOpened(): Record<string, unknown> {
  const definitions = createRequire(import.meta.url)(
    '@octokit/webhooks-examples',
  ) as WebhookDefinition[];
  const example = definitions
    .find((definition) => definition.name === 'pull_request')
    ?.examples.find((payload) => payload.action === 'opened');
  if (!example) throw new Error('no pull_request.opened example');
  return example;
}

describe('the five actions, bundled, run as the Actions runner runs them', () => {
  let workspace: string;
  let github: FakeGitHub;
  let event: Record<string, unknown>;
  const runs: Record<string, ActionRun> = {};

  const run = (action: string, inputs: Record<string, string>) =>
    runBundledAction(
      `actions/${action}`,
      { registry: 'local', ...inputs },
      {
        workspace,
        eventName: 'pull_request',
        eventPayload: event,
        env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, RUNNER_DEBUG: '1' },
        timeoutMs: 180_000,
      },
    );

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'envoy-e2e-'));
    await mkdir(join(workspace, 'models'));
    await copyFile(MODEL, join(workspace, 'models', 'vad.onnx'));
    await writeFile(join(workspace, 'envoy.yaml'), SETTINGS);
    github = await FakeGitHub.start();
    event = pullRequestOpened();
  });

  afterAll(async () => {
    await github.close();
    const record = join(workspace, '.envoy', 'deployments', 'local.json');
    if (existsSync(record)) {
      const { pid } = JSON.parse(await readFile(record, 'utf8')) as { pid: number };
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already stopped
      }
    }
  });

  it('register-model registers a candidate version with its lineage', async () => {
    runs.register = await run('register-model', { alias: 'candidate' });
    expect(runs.register.exitCode, runs.register.stdout).toBe(0);
    expect(runs.register.outputs).toMatchObject({ model: 'vad', version: '1', created: 'true' });
    expect(runs.register.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const version = JSON.parse(
      await readFile(join(workspace, '.envoy/registry/models/vad/versions/1.json'), 'utf8'),
    );
    const pullRequest = event.pull_request as { number: number; head: { sha: string } };
    expect(version.lineage).toMatchObject({
      event: 'pull_request',
      pullRequest: pullRequest.number,
      commit: pullRequest.head.sha,
      actor: 'octocat',
    });
    expect(version.signature.inputs.map((input: { name: string }) => input.name)).toEqual([
      'input',
      'state',
      'sr',
    ]);
    expect(runs.register.summary).toContain('vad v1');
  });

  it('build-image builds the version’s OCI layout', async () => {
    runs.build = await run('build-image', { version: runs.register!.outputs.version! });
    expect(runs.build.exitCode, runs.build.stdout).toBe(0);
    expect(runs.build.outputs['image-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const layout = join(workspace, runs.build.outputs['layout-path']!);
    expect(JSON.parse(await readFile(join(layout, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    expect(runs.build.outputs.containerfile).toBe('.envoy/images/vad/v1/Containerfile');
    expect(existsSync(join(workspace, runs.build.outputs.containerfile!))).toBe(true);
    const pullRequest = event.pull_request as { number: number };
    expect(runs.build.outputs.tags).toBe(`v1,pr-${pullRequest.number}`);
  });

  it('benchmark-on-hardware writes results and attaches them to the version', async () => {
    runs.benchmark = await run('benchmark-on-hardware', {
      version: runs.register!.outputs.version!,
    });
    expect(runs.benchmark.exitCode, runs.benchmark.stdout).toBe(0);
    const outputs = runs.benchmark.outputs;
    expect(Number(outputs['latency-p50-ms'])).toBeGreaterThan(0);
    expect(Number(outputs['latency-p99-ms'])).toBeGreaterThanOrEqual(
      Number(outputs['latency-p50-ms']),
    );
    expect(Number(outputs['inferences-per-second'])).toBeGreaterThan(0);
    expect(outputs['results-path']).toBe('.envoy/results/vad/v1/cpu.json');
    const results = JSON.parse(await readFile(join(workspace, outputs['results-path']!), 'utf8'));
    expect(results).toMatchObject({
      model: 'vad',
      version: 1,
      target: 'cpu',
      driver: 'onnxruntime',
    });
    expect(results.hardware.class).toBe(outputs['hardware-class']);
    expect(results.metrics.f1.source).toBe('evaluation');
    expect(results.trials).toHaveLength(2);
    expect(runs.benchmark.stdout).toContain('::group::');
  });

  it('gate-on-metrics passes, promotes, comments on the PR and creates a check run', async () => {
    runs.gate = await run('gate-on-metrics', {
      version: runs.register!.outputs.version!,
      'results-path': runs.benchmark!.outputs['results-path']!,
      'promote-to': 'production',
    });
    expect(runs.gate.exitCode, runs.gate.stdout).toBe(0);
    expect(runs.gate.outputs).toMatchObject({
      passed: 'true',
      verdict: 'passed',
      promoted: 'production',
    });
    expect(runs.gate.summary).toContain('f1 >= 0.9');
    const report = await readFile(join(workspace, runs.gate.outputs['report-path']!), 'utf8');
    expect(runs.gate.summary).toContain(report.trim());
    const pullRequest = event.pull_request as { number: number; head: { sha: string } };
    const comments = github.comments.filter(
      (comment) => comment.issueNumber === pullRequest.number,
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('f1 >= 0.9');
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({
      name: 'envoy gate: vad on cpu',
      headSha: pullRequest.head.sha,
      conclusion: 'success',
    });
    const audit = await readFile(join(workspace, '.envoy/registry/models/vad/audit.jsonl'), 'utf8');
    expect(audit).toContain(runs.gate.outputs['report-digest']!);
  });

  it('deploy serves production, smoke-tests it and records a GitHub deployment', async () => {
    runs.deploy = await run('deploy', {});
    expect(runs.deploy.exitCode, runs.deploy.stdout).toBe(0);
    expect(runs.deploy.outputs).toMatchObject({ version: '1', status: 'deployed' });
    const url = runs.deploy.outputs.url!;
    expect((await fetch(`${url}/v2/models/vad/ready`)).status).toBe(200);
    expect(github.deployments).toHaveLength(1);
    expect(github.deployments[0]!.environment).toBe('staging');
    expect(github.deployments[0]!.statuses.map((status) => status.state)).toEqual([
      'in_progress',
      'success',
    ]);
    expect(github.deployments[0]!.statuses[1]!.environmentUrl).toBe(url);
  });

  it('a rerun registers nothing new and edits the PR comment instead of adding one', async () => {
    const again = await run('register-model', {});
    expect(again.outputs).toMatchObject({ version: '1', created: 'false' });
    const gate = await run('gate-on-metrics', { version: '1' });
    expect(gate.exitCode, gate.stdout).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.requestsTo('issues/update-comment')).toHaveLength(1);
  });

  it('never prints the token, even with debug logging on', () => {
    const encoded = [
      TOKEN,
      Buffer.from(`x-access-token:${TOKEN}`).toString('base64'),
      Buffer.from(`${TOKEN}:`).toString('base64'),
    ];
    for (const step of Object.values(runs)) {
      const lines = `${step.stdout}\n${step.stderr}`.split('\n');
      const leaks = lines.filter(
        (line) =>
          !line.startsWith('::add-mask::') && encoded.some((secret) => line.includes(secret)),
      );
      expect(leaks).toEqual([]);
    }
  });

  it('fails with an annotation on envoy.yaml when the settings are wrong', async () => {
    await writeFile(join(workspace, 'broken.yaml'), 'models:\n  - name: vad\n    path: 7\n');
    const broken = await run('build-image', { config: 'broken.yaml' });
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toContain('::error title=envoy,file=broken.yaml,line=3,col=11::');
    expect(broken.stdout).not.toMatch(/\n\s+at /);
  });
});

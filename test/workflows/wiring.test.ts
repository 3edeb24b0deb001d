import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateValue } from './expressions.js';
import { githubContext, runJob, type JobEnvironment, type JobRun } from './job-runner.js';
import { reusableTemplate, ROOT, type Job } from './templates.js';

// The templates' jobs run here one after another on one workspace, a git clone of a bare
// `origin` whose `envoy-registry` branch is the registry every job fetches and pushes: the
// pull request benchmarks and gates the candidate, the release tag promotes and deploys it,
// and the weekly re-benchmark measures production again after the default branch has moved
// on to newer model files.

const MODEL = join(ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const NEWER_MODEL = join(ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx');
const MODEL_PATH = 'models/silero_vad.onnx';

function settings(rule: string): string {
  return `version: '1'
registry:
  backend: git
models:
  - name: silero-vad
    path: models/silero_vad.onnx
    format: onnx
hardware:
  - name: cpu
    kind: cpu
    runs-on: [ubuntu-latest]
benchmark:
  warmup: 2
  iterations: 20
  trials: 2
  max-cv: 100
  inputs:
    input: { shape: [1, 512] }
    sr: { value: 16000 }
    state: { shape: [2, 1, 128], fill: zeros }
gate:
  rules:
    - ${rule}
  promote-to: production
deploy:
  - name: local
    kind: local
    alias: production
    environment: production
`;
}

let workspace: string;
let origin: string;
/** The commit the pull request registered the candidate from. */
let pullRequestCommit: string;

function git(cwd: string, ...args: string[]): string {
  const identity = ['-c', 'user.name=Octo', '-c', 'user.email=octo@example.com'];
  const result = spawnSync('git', [...identity, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Commits everything tracked or new on the workspace's main and pushes it to origin. */
function commitAndPush(message: string): string {
  git(workspace, 'add', '--all');
  git(workspace, 'commit', '--quiet', '-m', message);
  git(workspace, 'push', '--quiet', 'origin', 'main');
  return git(workspace, 'rev-parse', 'HEAD');
}

function registryTip(): string {
  return git(workspace, 'ls-remote', 'origin', 'refs/heads/envoy-registry');
}

function pullRequest() {
  return {
    number: 7,
    head: { sha: pullRequestCommit, ref: 'better-vad', repo: { full_name: 'octo/models' } },
  };
}

beforeAll(async () => {
  for (const name of [
    'register-model',
    'build-image',
    'benchmark-on-hardware',
    'gate-on-metrics',
    'deploy',
  ]) {
    await readFile(join(ROOT, 'actions', name, 'dist/index.js')).catch(() => {
      throw new Error(`actions/${name}/dist/index.js is missing: run npm run build first`);
    });
  }
  origin = await mkdtemp(join(tmpdir(), 'envoy-workflows-origin-'));
  git(origin, 'init', '--quiet', '--bare', '--initial-branch=main');
  workspace = await mkdtemp(join(tmpdir(), 'envoy-workflows-'));
  git(workspace, 'init', '--quiet', '--initial-branch=main');
  git(workspace, 'remote', 'add', 'origin', origin);
  await mkdir(join(workspace, 'models'));
  await copyFile(MODEL, join(workspace, MODEL_PATH));
  await writeFile(join(workspace, 'envoy.yaml'), settings('latency_p99_ms <= 10000'));
  await writeFile(join(workspace, '.gitignore'), '.envoy/\n.envoy-registry-branch/\n');
  pullRequestCommit = commitAndPush('Add the model');
});

afterAll(async () => {
  await stopDeployedServers();
  await rm(workspace, { recursive: true, force: true });
  await rm(origin, { recursive: true, force: true });
});

/** Stops what the deploy job left serving: each target's record names its server's pid. */
async function stopDeployedServers(): Promise<void> {
  const records = join(workspace, '.envoy/deployments');
  const names = await readdir(records).catch(() => [] as string[]);
  for (const name of names.filter((file) => file.endsWith('.json'))) {
    const record = JSON.parse(await readFile(join(records, name), 'utf8')) as { pid?: number };
    if (record.pid) {
      try {
        process.kill(-record.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function environment(
  eventName: string,
  eventPayload: Record<string, unknown>,
  contexts: JobEnvironment['contexts'],
  github?: unknown,
): JobEnvironment {
  return { workspace, eventName, eventPayload, contexts: { secrets: {}, ...contexts }, github };
}

/** Each leg of a job's matrix, from its `strategy.matrix` expression. */
function matrixLegs(job: Job, env: JobEnvironment): Array<Record<string, string>> {
  const text = evaluateValue(
    (job.strategy!.matrix as string).replace(/^\$\{\{\s*(.*?)\s*\}\}$/, '${{ toJSON($1) }}'),
    { ...env.contexts, github: githubContext(env) },
  );
  return (JSON.parse(text) as { include: Array<Record<string, string>> }).include;
}

function runsOn(job: Job, env: JobEnvironment): unknown {
  const expression = (job['runs-on'] as string).replace(/^\$\{\{\s*(.*?)\s*\}\}$/, '$1');
  return JSON.parse(evaluateValue(`\${{ toJSON(${expression}) }}`, { ...env.contexts }));
}

function step(run: JobRun, id: string) {
  const found = run.steps.find((record) => record.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}

const prInputs = { config: 'envoy.yaml', model: '', targets: '' };
const rebenchmarkInputs = { ...prInputs, version: 'production', 'issue-label': 'envoy-regression' };

interface IssueCall {
  method: string;
  params: Record<string, unknown>;
}

/** The part of github-script's client the regression step calls, keeping issues in memory. */
class FakeIssues {
  readonly calls: IssueCall[] = [];
  private readonly open: Array<{ number: number; title: string; labels: string[] }> = [];

  readonly client = {
    paginate: async (
      method: (params: Record<string, unknown>) => Promise<{ data: unknown[] }>,
      params: Record<string, unknown>,
    ) => (await method(params)).data,
    rest: {
      issues: {
        listForRepo: async (params: Record<string, unknown>) => {
          this.calls.push({ method: 'listForRepo', params });
          const label = params.labels as string;
          return { data: this.open.filter((issue) => issue.labels.includes(label)) };
        },
        create: async (params: Record<string, unknown>) => {
          this.calls.push({ method: 'create', params });
          const issue = {
            number: this.open.length + 1,
            title: params.title as string,
            labels: params.labels as string[],
          };
          this.open.push(issue);
          return { data: issue };
        },
        createComment: async (params: Record<string, unknown>) => {
          this.calls.push({ method: 'createComment', params });
          return { data: { id: 1 } };
        },
      },
    },
  };
}
let candidate: { version: string; digest: string };

describe('workflow templates wired to the bundled actions', () => {
  it('model-pr: registers the candidate, builds it, benchmarks and gates it on each target', async () => {
    const { workflow } = reusableTemplate('model-pr');
    const event = { pull_request: pullRequest() };
    const plan = await runJob(
      workflow.jobs.plan!,
      environment('pull_request', event, { inputs: prInputs }),
    );
    expect(JSON.parse(plan.outputs.matrix!)).toEqual({
      include: [{ name: 'cpu', 'runs-on': '["ubuntu-latest"]' }],
    });
    expect(plan.outputs.names).toBe('cpu');

    const register = await runJob(
      workflow.jobs.register!,
      environment('pull_request', event, { inputs: prInputs }),
    );
    expect(step(register, 'register').outputs).toMatchObject({
      model: 'silero-vad',
      version: '1',
      created: 'true',
    });
    const registered = JSON.parse(
      git(workspace, 'show', 'origin/envoy-registry:models/silero-vad/versions/1.json'),
    ) as { source: string; lineage: { commit: string } };
    expect(registered).toMatchObject({
      source: MODEL_PATH,
      lineage: { commit: pullRequestCommit },
    });
    expect(step(register, 'build').inputs).toMatchObject({ model: 'silero-vad', version: '1' });
    expect(register.outputs['image-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    candidate = { version: register.outputs.version!, digest: register.outputs.digest! };

    const needs = { plan: { outputs: plan.outputs }, register: { outputs: register.outputs } };
    const benchmarkJob = workflow.jobs.benchmark!;
    const base = environment('pull_request', event, { inputs: prInputs, needs });
    const legs = matrixLegs(benchmarkJob, base);
    expect(legs.map((leg) => leg.name)).toEqual(['cpu']);
    for (const matrix of legs) {
      const leg = environment('pull_request', event, { inputs: prInputs, needs, matrix });
      expect(runsOn(benchmarkJob, leg)).toEqual(['ubuntu-latest']);
      const run = await runJob(benchmarkJob, leg);
      const benchmark = step(run, 'benchmark');
      expect(benchmark.inputs).toMatchObject({ version: '1', target: 'cpu', model: 'silero-vad' });
      const gate = step(run, 'gate');
      expect(gate.inputs).toMatchObject({
        version: '1',
        target: 'cpu',
        'results-path': benchmark.outputs['results-path'],
        'fail-on-reject': 'true',
        'github-token': '',
      });
      expect(gate.outputs).toMatchObject({ passed: 'true', verdict: 'passed', promoted: '' });
    }
  });

  it('model-release: finds the benchmarked version by digest, then promotes and deploys it once approved', async () => {
    const { workflow } = reusableTemplate('model-release');
    const inputs = {
      ...prInputs,
      'promote-to': 'production',
      environment: 'production',
      'deploy-target': '',
      'deploy-runs-on': '"ubuntu-latest"',
    };
    const event = { ref: 'refs/tags/v1.0.0', after: 'b'.repeat(40) };
    const registryBefore = registryTip();
    const verify = await runJob(workflow.jobs.verify!, environment('push', event, { inputs }));
    expect(step(verify, 'register').inputs['must-exist']).toBe('true');
    expect(step(verify, 'register').outputs).toMatchObject({
      version: candidate.version,
      digest: candidate.digest,
      created: 'false',
    });
    expect(registryTip(), 'verifying writes nothing to the registry').toBe(registryBefore);
    const gate = step(verify, 'gate');
    expect(gate.inputs).toMatchObject({ target: 'cpu' });
    expect(gate.outputs).toMatchObject({ passed: 'true', promoted: '' });

    const needs = { verify: { outputs: verify.outputs } };
    const deployEnv = environment('push', event, { inputs, needs });
    expect(runsOn(workflow.jobs.deploy!, deployEnv)).toBe('ubuntu-latest');
    const deploy = await runJob(workflow.jobs.deploy!, deployEnv);
    const promote = step(deploy, 'promote');
    expect(promote.inputs).toMatchObject({ target: 'cpu', 'promote-to': 'production' });
    expect(promote.outputs).toMatchObject({ passed: 'true', promoted: 'production' });
    expect(step(deploy, 'deploy').inputs).toMatchObject({ version: candidate.version, target: '' });
    expect(deploy.outputs.status).toBe('deployed');
    // The alias moves only once the new version serves: a rollback fails the job before it.
    const order = workflow.jobs.deploy!.steps!.map((each) => each.id);
    expect(order.indexOf('deploy')).toBeLessThan(order.indexOf('promote'));
    expect(deploy.outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('model-release: refuses files that no pull request benchmarked, writing nothing', async () => {
    const { workflow } = reusableTemplate('model-release');
    const inputs = { ...prInputs, 'promote-to': 'production' };
    const other = join(workspace, 'models/other.onnx');
    await copyFile(
      join(ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx'),
      other,
    );
    await writeFile(
      join(workspace, 'release.yaml'),
      settings('latency_p99_ms <= 10000').replace('models/silero_vad.onnx', 'models/other.onnx'),
    );
    const job = workflow.jobs.verify!;
    const registryBefore = registryTip();
    await expect(
      runJob(job, environment('push', {}, { inputs: { ...inputs, config: 'release.yaml' } })),
    ).rejects.toThrow(/is not a registered version of silero-vad.*nothing was written/);
    expect(registryTip()).toBe(registryBefore);
  });

  it('model-rebenchmark: measures the files production was registered from, not newer ones on main', async () => {
    await copyFile(NEWER_MODEL, join(workspace, MODEL_PATH));
    const newerCommit = commitAndPush('A newer model, not released yet');
    const { workflow } = reusableTemplate('model-rebenchmark');
    const inputs = rebenchmarkInputs;
    const plan = await runJob(workflow.jobs.plan!, environment('schedule', {}, { inputs }));
    expect(plan.outputs).toMatchObject({
      model: 'silero-vad',
      version: candidate.version,
      commit: pullRequestCommit,
      source: MODEL_PATH,
    });
    const needs = { plan: { outputs: plan.outputs } };
    const [matrix] = matrixLegs(
      workflow.jobs.rebenchmark!,
      environment('schedule', {}, { inputs, needs }),
    );
    const issues = new FakeIssues();
    const run = await runJob(
      workflow.jobs.rebenchmark!,
      environment('schedule', {}, { inputs, needs, matrix }, issues.client),
    );
    expect(git(workspace, 'rev-parse', 'HEAD'), 'the default branch stays checked out').toBe(
      newerCommit,
    );
    expect(await readFile(join(workspace, MODEL_PATH))).toEqual(await readFile(MODEL));
    expect(step(run, 'benchmark').inputs).toMatchObject({
      model: 'silero-vad',
      version: candidate.version,
      target: 'cpu',
    });
    expect(step(run, 'gate').inputs).toMatchObject({ 'fail-on-reject': 'false' });
    expect(step(run, 'gate').outputs.passed).toBe('true');
    expect(run.steps.at(-1)!.skipped).toBe(true);
    expect(issues.calls).toEqual([]);
  });

  it('model-rebenchmark: opens an issue on a regression, then updates it', async () => {
    const { workflow } = reusableTemplate('model-rebenchmark');
    await writeFile(join(workspace, 'envoy.yaml'), settings('latency_p99_ms <= 0.000001'));
    const inputs = rebenchmarkInputs;
    const plan = await runJob(workflow.jobs.plan!, environment('schedule', {}, { inputs }));
    const needs = { plan: { outputs: plan.outputs } };
    const issues = new FakeIssues();
    for (const attempt of [1, 2]) {
      const run = await runJob(
        workflow.jobs.rebenchmark!,
        environment('schedule', {}, { inputs, needs, matrix: { name: 'cpu' } }, issues.client),
      );
      expect(step(run, 'gate').outputs.passed, `attempt ${attempt}`).toBe('false');
      expect(run.steps.at(-1)!.skipped).toBe(false);
    }
    expect(issues.calls.map((call) => call.method)).toEqual([
      'listForRepo',
      'create',
      'listForRepo',
      'createComment',
    ]);
    const created = issues.calls[1]!.params;
    expect(created).toMatchObject({
      owner: 'octo',
      repo: 'models',
      title: 'Envoy: silero-vad production regressed on cpu',
      labels: ['envoy-regression'],
    });
    expect(created.body).toContain('latency_p99_ms');
    expect(created.body).toContain(`production (v${candidate.version})`);
    expect(issues.calls[2]!.params).toMatchObject({ state: 'open', labels: 'envoy-regression' });
    expect(issues.calls[3]!.params).toMatchObject({ issue_number: 1 });
  });

  it('model-rebenchmark: noisy measurements open an issue that says unstable, not regressed', async () => {
    const { workflow } = reusableTemplate('model-rebenchmark');
    await writeFile(
      join(workspace, 'envoy.yaml'),
      settings('latency_p99_ms <= 10000').replace('max-cv: 100', 'max-cv: 0.0001'),
    );
    const inputs = rebenchmarkInputs;
    const plan = await runJob(workflow.jobs.plan!, environment('schedule', {}, { inputs }));
    const needs = { plan: { outputs: plan.outputs } };
    const issues = new FakeIssues();
    const run = await runJob(
      workflow.jobs.rebenchmark!,
      environment('schedule', {}, { inputs, needs, matrix: { name: 'cpu' } }, issues.client),
    );
    expect(step(run, 'gate').outputs.verdict).toBe('unstable');
    expect(issues.calls[1]!.params).toMatchObject({
      title: 'Envoy: silero-vad production measured unstable on cpu',
    });
  });

  it.each([
    ['a version with no recorded commit', { lineage: {} }, /has no recorded commit/],
    ['a source outside the repository', { source: '../elsewhere' }, /expected a path inside/],
  ])('model-rebenchmark: the plan refuses %s', async (_, change, message) => {
    const registry = await mkdtemp(join(tmpdir(), 'envoy-workflows-registry-'));
    try {
      git(registry, 'clone', '--quiet', '--branch=envoy-registry', origin, '.');
      const file = join(registry, 'models/silero-vad/versions', `${candidate.version}.json`);
      const version = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, JSON.stringify({ ...version, ...change }));
      git(registry, 'commit', '--quiet', '--all', '-m', 'Edit a version by hand');
      git(registry, 'push', '--quiet', 'origin', 'envoy-registry');
      const { workflow } = reusableTemplate('model-rebenchmark');
      const env = environment('schedule', {}, { inputs: rebenchmarkInputs });
      await expect(runJob(workflow.jobs.plan!, env)).rejects.toThrow(message);
      git(registry, 'revert', '--quiet', '--no-edit', 'HEAD');
      git(registry, 'push', '--quiet', 'origin', 'envoy-registry');
    } finally {
      await rm(registry, { recursive: true, force: true });
    }
  });
});

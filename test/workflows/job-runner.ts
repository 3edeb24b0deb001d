// Runs the jobs of a workflow template here, step by step, as the Actions runner would: each
// step's `if:` and `with:`/`env:` are evaluated against the outputs of the steps before it,
// Envoy's steps run as their bundled actions, github-script steps run their script with the
// parts of its API they use, and the job's `outputs:` are evaluated at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { runBundledAction, type ActionRun } from '../support/actions-runner.js';
import { evaluateCondition, evaluateValue, type Contexts } from './expressions.js';
import type { Job, Step } from './templates.js';

const ENVOY_STEP = /^OWNER\/envoy\/actions\/([a-z-]+)@v0$/;
const CHECKOUT = /^actions\/checkout@[0-9a-f]{40}$/;
const GITHUB_SCRIPT = /^actions\/github-script@[0-9a-f]{40}$/;

export interface JobEnvironment {
  workspace: string;
  eventName: string;
  eventPayload: Record<string, unknown>;
  /** inputs, needs, matrix, secrets; `github` and `steps` are filled in here. */
  contexts: Contexts;
  /** What github-script's `github` client answers, for steps that call the API. */
  github?: unknown;
}

export interface StepRecord {
  id: string;
  skipped: boolean;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  run?: ActionRun;
}

export interface JobRun {
  steps: StepRecord[];
  outputs: Record<string, string>;
}

export function githubContext(environment: JobEnvironment): Record<string, unknown> {
  return {
    event_name: environment.eventName,
    event: environment.eventPayload,
    repository: 'octo/models',
    server_url: 'https://github.com',
    run_id: '1',
    token: '',
  };
}

/** Runs a job's steps in order; a failing step throws with what the action printed. */
export async function runJob(job: Job, environment: JobEnvironment): Promise<JobRun> {
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const records: StepRecord[] = [];
  for (const [index, step] of (job.steps ?? []).entries()) {
    const id = step.id ?? `step${index}`;
    const contexts = { ...environment.contexts, github: githubContext(environment), steps };
    if (!evaluateCondition(step.if, contexts)) {
      records.push({ id, skipped: true, inputs: {}, outputs: {} });
      continue;
    }
    const record = await runStep(id, step, contexts, environment);
    steps[id] = { outputs: record.outputs };
    records.push(record);
  }
  const contexts = { ...environment.contexts, github: githubContext(environment), steps };
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([name, value]) => [
      name,
      evaluateValue(value, contexts),
    ]),
  );
  return { steps: records, outputs };
}

function evaluateMap(map: Record<string, unknown> | undefined, contexts: Contexts) {
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([name, value]) => [name, evaluateValue(value, contexts)]),
  );
}

async function runStep(
  id: string,
  step: Step,
  contexts: Contexts,
  environment: JobEnvironment,
): Promise<StepRecord> {
  const inputs = evaluateMap(step.with, contexts);
  const env = evaluateMap(step.env, contexts);
  const envoy = ENVOY_STEP.exec(step.uses ?? '');
  if (envoy) {
    const run = await runBundledAction(`actions/${envoy[1]}`, inputs, {
      workspace: environment.workspace,
      env,
      eventName: environment.eventName,
      eventPayload: environment.eventPayload,
    });
    if (run.exitCode !== 0) {
      throw new Error(`step ${id} (${step.uses}) failed:\n${run.stdout}\n${run.stderr}`);
    }
    return { id, skipped: false, inputs, outputs: run.outputs, run };
  }
  if (CHECKOUT.test(step.uses ?? '')) {
    checkout(inputs, environment.workspace);
    return { id, skipped: false, inputs, outputs: {} };
  }
  if (GITHUB_SCRIPT.test(step.uses ?? '')) {
    const outputs = await runGitHubScript(inputs.script ?? '', env, environment);
    return { id, skipped: false, inputs, outputs };
  }
  if (step.run !== undefined) {
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      cwd: environment.workspace,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`step ${id} failed:\n${result.stdout}${result.stderr}`);
    return { id, skipped: false, inputs, outputs: {} };
  }
  throw new Error(`step ${id}: no emulation for ${step.uses ?? 'this step'}`);
}

/**
 * actions/checkout. The workspace already holds the event's commit, a clone of its `origin`;
 * a checkout of another `ref` into a `path` clones that branch of `origin` there afresh, as
 * on a new runner.
 */
function checkout(inputs: Record<string, string>, workspace: string): void {
  const { ref = '', path = '' } = inputs;
  if (ref === '' && path === '') return;
  if (ref === '' || path === '') {
    throw new Error(`checkout emulation: give both ref and path, got ref '${ref}', path '${path}'`);
  }
  const origin = git(workspace, ['remote', 'get-url', 'origin']).trim();
  rmSync(resolve(workspace, path), { recursive: true, force: true });
  git(workspace, ['clone', '--quiet', '--depth=1', `--branch=${ref}`, origin, path]);
}

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Runs a github-script body with the parts of its API the templates use: `core` (outputs,
 * failures), `exec.getExecOutput` for `yq` (the YAML file turned into JSON), `require`
 * for node:fs in the workspace, `context.repo`, and the given `github` client.
 */
async function runGitHubScript(
  script: string,
  env: Record<string, string>,
  environment: JobEnvironment,
): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  const failures: string[] = [];
  const core = {
    setOutput: (name: string, value: unknown) => (outputs[name] = String(value)),
    setFailed: (message: string) => failures.push(message),
    info: () => undefined,
  };
  const exec = { getExecOutput: (tool: string, args: string[]) => yq(tool, args, environment) };
  const inWorkspace = (path: string) => resolve(environment.workspace, path);
  const fs = {
    existsSync: (path: string) => existsSync(inWorkspace(path)),
    readFileSync: (path: string, encoding: BufferEncoding) =>
      readFileSync(inWorkspace(path), encoding),
  };
  const require = (name: string) => {
    if (name === 'node:fs' || name === 'fs') return fs;
    throw new Error(`github-script emulation: require('${name}') is not provided`);
  };
  const context = { repo: { owner: 'octo', repo: 'models' } };
  const body = new AsyncFunction('require', 'github', 'context', 'core', 'exec', 'process', script);
  await body(require, environment.github, context, core, exec, { env });
  if (failures.length > 0) throw new Error(`github-script failed: ${failures.join('; ')}`);
  return outputs;
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

interface Settings {
  hardware?: unknown[];
  models?: Array<{ name: string }>;
  registry?: { branch?: string };
}

/** The yq expressions the templates use, each as what it reads from the settings. */
const YQ_EXPRESSIONS: Record<string, (settings: Settings) => unknown> = {
  '.hardware // []': (settings) => settings.hardware ?? [],
  '[(.models // [])[].name]': (settings) => (settings.models ?? []).map((model) => model.name),
  '.registry.branch // "envoy-registry"': (settings) =>
    settings.registry?.branch ?? 'envoy-registry',
};

/** `yq --output-format=json --indent=0 EXPRESSION FILE`, for the expressions above. */
async function yq(tool: string, args: string[], environment: JobEnvironment) {
  const [format, indent, expression, file] = args;
  const read = YQ_EXPRESSIONS[expression ?? ''];
  if (
    tool !== 'yq' ||
    format !== '--output-format=json' ||
    indent !== '--indent=0' ||
    read === undefined ||
    file === undefined
  ) {
    throw new Error(`yq emulation: unexpected call ${tool} ${args.join(' ')}`);
  }
  const settings = load(readFileSync(resolve(environment.workspace, file), 'utf8')) as Settings;
  return { exitCode: 0, stdout: JSON.stringify(read(settings)), stderr: '' };
}

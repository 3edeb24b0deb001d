// Runs the jobs of a workflow template here, step by step, as the Actions runner would: each
// step's `if:` and `with:`/`env:` are evaluated against the outputs of the steps before it,
// Envoy's steps run as their bundled actions, github-script steps run their script with the
// parts of its API they use, and the job's `outputs:` are evaluated at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  if (CHECKOUT.test(step.uses ?? '')) return { id, skipped: false, inputs, outputs: {} };
  if (GITHUB_SCRIPT.test(step.uses ?? '')) {
    const outputs = await runGitHubScript(inputs.script ?? '', env, environment);
    return { id, skipped: false, inputs, outputs };
  }
  if (step.run !== undefined) {
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      cwd: environment.workspace,
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`step ${id} failed:\n${result.stdout}${result.stderr}`);
    return { id, skipped: false, inputs, outputs: {} };
  }
  throw new Error(`step ${id}: no emulation for ${step.uses ?? 'this step'}`);
}

/**
 * Runs a github-script body with the parts of its API the templates use: `core` (outputs,
 * failures), `exec.getExecOutput` for `yq` (as the YAML file turned into JSON), `require`
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

/** `yq --output-format=json --indent=0 '.hardware // []' FILE`, the only call the plan makes. */
async function yq(tool: string, args: string[], environment: JobEnvironment) {
  const [format, indent, expression, file] = args;
  if (
    tool !== 'yq' ||
    format !== '--output-format=json' ||
    indent !== '--indent=0' ||
    expression !== '.hardware // []' ||
    file === undefined
  ) {
    throw new Error(`yq emulation: unexpected call ${tool} ${args.join(' ')}`);
  }
  const settings = load(readFileSync(resolve(environment.workspace, file), 'utf8')) as {
    hardware?: unknown[];
  };
  return { exitCode: 0, stdout: JSON.stringify(settings.hardware ?? []), stderr: '' };
}

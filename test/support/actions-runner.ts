// Runs a bundled JavaScript action the way the GitHub Actions runner does: a child `node`
// process on the action's `runs.main`, inputs as INPUT_<NAME> variables (the action.yml
// defaults filled in), and the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV,
// GITHUB_PATH, GITHUB_STATE, the event payload) in a fresh folder, read back when it exits.
// A test helper only: nothing in src/ imports it.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunOptions {
  /** GITHUB_WORKSPACE, also the process's working directory. */
  workspace: string;
  /** Extra variables, over the runner's own (e.g. GITHUB_API_URL, GITHUB_TOKEN). */
  env?: Record<string, string>;
  /** GITHUB_EVENT_NAME; default workflow_dispatch. */
  eventName?: string;
  /** What GITHUB_EVENT_PATH holds; default {}. */
  eventPayload?: Record<string, unknown>;
  /** Kills the action after this long; default 120 s. */
  timeoutMs?: number;
}

export interface ActionRun {
  exitCode: number;
  /** What the action wrote to GITHUB_OUTPUT, by name. */
  outputs: Record<string, string>;
  /** What it appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** Variables it exported through GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  stdout: string;
  stderr: string;
}

interface ActionMetadata {
  inputs?: Record<string, { default?: unknown }>;
  runs: { using: string; main: string };
}

/** The variable the runner passes an input in: INPUT_ + upper case, spaces to underscores. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Parses a GITHUB_OUTPUT (or GITHUB_ENV) file: `name=value` lines and
 * `name<<DELIMITER` ... `DELIMITER` blocks, as the runner reads them.
 */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, index + 1);
      if (end < 0) throw new Error(`command file: no closing "${delimiter}" for ${name}`);
      values[name!] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0) throw new Error(`command file: cannot read line "${line}"`);
    values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}

/**
 * Runs the action in `actionDir` (absolute, or relative to the repository root) with
 * `inputs`; inputs left out take their action.yml default, and a `${{ github.token }}`
 * default becomes GITHUB_TOKEN from `env` (empty when not given).
 */
export async function runBundledAction(
  actionDir: string,
  inputs: Record<string, string>,
  options: RunOptions,
): Promise<ActionRun> {
  const dir = isAbsolute(actionDir) ? actionDir : resolve(REPO_ROOT, actionDir);
  const metadata = load(await readFile(join(dir, 'action.yml'), 'utf8')) as ActionMetadata;
  if (!/^node\d+$/.test(metadata.runs.using)) {
    throw new Error(`${actionDir}: runs.using ${metadata.runs.using} is not a JavaScript action`);
  }
  const files = await mkdtemp(join(tmpdir(), 'envoy-runner-'));
  try {
    const env = await runnerEnvironment(files, options);
    for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
      env[inputVariable(name)] = inputDefault(input.default, options.env ?? {});
    }
    for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
    const main = join(dir, metadata.runs.main);
    const { exitCode, stdout, stderr } = await runNode(main, env, options);
    return {
      exitCode,
      outputs: parseCommandFile(await readFile(env.GITHUB_OUTPUT!, 'utf8')),
      summary: await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8'),
      exportedEnv: parseCommandFile(await readFile(env.GITHUB_ENV!, 'utf8')),
      stdout,
      stderr,
    };
  } finally {
    await rm(files, { recursive: true, force: true });
  }
}

function inputDefault(value: unknown, env: Record<string, string>): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return text.replace(/\$\{\{\s*github\.token\s*\}\}/g, env.GITHUB_TOKEN ?? '');
}

/** This process's variables less the runner's own, then the runner's for one step. */
async function runnerEnvironment(
  files: string,
  options: RunOptions,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GITHUB|INPUT|RUNNER|ACTIONS|STATE)_/.test(name)) continue;
    env[name] = value;
  }
  const runnerFiles = ['output', 'summary', 'env', 'path', 'state'];
  for (const name of runnerFiles) await writeFile(join(files, name), '');
  const eventPath = join(files, 'event.json');
  await writeFile(eventPath, JSON.stringify(options.eventPayload ?? {}));
  return {
    ...env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    GITHUB_ENV: join(files, 'env'),
    GITHUB_PATH: join(files, 'path'),
    GITHUB_STATE: join(files, 'state'),
    GITHUB_EVENT_NAME: options.eventName ?? 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: files,
    ...options.env,
  };
}

function runNode(
  main: string,
  env: Record<string, string>,
  options: RunOptions,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [main], {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolvePromise({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }),
    );
  });
}

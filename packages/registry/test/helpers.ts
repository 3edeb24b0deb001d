import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import type { BenchmarkResults, ModelVersion } from '@envoy/core';
import type { WorkerPlan } from './fixtures/registry-worker.js';

export function temporaryFolder(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `envoy-registry-${prefix}-`));
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A bare repository standing in for GitHub, and a function that clones it like a runner. */
export async function createGitRemote(base: string) {
  const remote = join(base, 'remote.git');
  git(base, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  const seed = join(base, 'seed');
  git(base, 'init', '--quiet', '--initial-branch=main', seed);
  git(
    seed,
    '-c',
    'user.name=Seed',
    '-c',
    'user.email=seed@example.com',
    'commit',
    '--quiet',
    '--allow-empty',
    '-m',
    'start',
  );
  git(seed, 'push', '--quiet', remote, 'main');
  const clone = async (name: string): Promise<string> => {
    const folder = join(base, name);
    git(base, 'clone', '--quiet', remote, folder);
    return folder;
  };
  return { remote, clone };
}

/** Bundles the worker fixture and its imports into one .mjs file plain `node` can run. */
export async function buildWorker(): Promise<string> {
  const folder = await temporaryFolder('worker');
  const file = join(folder, 'registry-worker.mjs');
  await build({
    input: fileURLToPath(new URL('./fixtures/registry-worker.ts', import.meta.url)),
    platform: 'node',
    logLevel: 'silent',
    output: { file, format: 'esm' },
  });
  return file;
}

export interface RunningWorker {
  child: ChildProcess;
  /** Every operation the worker reported finished so far. */
  done: Array<Record<string, unknown>>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export async function startWorker(script: string, plan: WorkerPlan): Promise<RunningWorker> {
  await mkdir(plan.scratch, { recursive: true });
  const child = spawn(process.execPath, [script, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done: Array<Record<string, unknown>> = [];
  let pending = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line) done.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done, exit };
}

export function sampleResults(
  version: ModelVersion,
  hardwareClass: string,
  finishedAt: string,
): BenchmarkResults {
  return {
    schemaVersion: 1,
    model: version.model,
    version: version.version,
    digest: version.digest,
    target: 'cpu',
    driver: 'onnxruntime',
    hardware: {
      class: hardwareClass,
      kind: 'cpu',
      os: { platform: 'linux', release: '6.1' },
      cpu: { model: 'Test CPU', architecture: 'x64', cores: 2 },
      memoryMiB: 4096,
      accelerators: [],
    },
    runtime: { executionProvider: 'cpu' },
    metrics: {
      latency_p50_ms: {
        value: 1.5,
        unit: 'ms',
        direction: 'smaller-is-better',
        source: 'measured',
      },
    },
    trials: [{ latenciesMs: [1.4, 1.5, 1.6], inferencesPerSecond: 660 }],
    startedAt: finishedAt,
    finishedAt,
  };
}

import { expect } from 'vitest';
import type { Registry } from '../src/index.js';
import type { WorkerOperation, WorkerPlan } from './fixtures/registry-worker.js';
import { startWorker } from './helpers.js';

// The race both backends run: 8 processes, 10 operations each, checked against their reports.

export const WORKERS = 8;

/** Ten operations per worker: one shared digest, own versions with alias moves, a shared model. */
export function operationsOf(worker: number): WorkerOperation[] {
  const operations: WorkerOperation[] = [{ kind: 'register', model: 'shared', content: 'common' }];
  for (let step = 0; step < 4; step++) {
    const content = `w${worker}-${step}`;
    operations.push({ kind: 'register', model: 'shared', content });
    operations.push({ kind: 'alias', model: 'shared', alias: 'production', content });
  }
  operations.push({ kind: 'register', model: `half-${worker % 2}`, content: `w${worker}` });
  return operations;
}

export type Done = WorkerOperation & { version: number; digest: string; created: boolean };

export async function runAll(plans: WorkerPlan[], script: string): Promise<Done[]> {
  const workers = await Promise.all(plans.map((plan) => startWorker(script, plan)));
  const exits = await Promise.all(workers.map((worker) => worker.exit));
  for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
  return workers.flatMap((worker) => worker.done as Done[]);
}

/** Nothing lost, nothing duplicated: checks the registry against what every worker reported. */
export async function expectConsistent(registry: Registry, done: Done[]): Promise<void> {
  const shared = await registry.listVersions('shared');
  expect(shared.map((version) => version.version)).toEqual(range(1 + WORKERS * 4));
  expect(new Set(shared.map((version) => version.digest)).size).toBe(shared.length);
  for (const half of ['half-0', 'half-1']) {
    expect((await registry.listVersions(half)).map((v) => v.version)).toEqual(range(WORKERS / 2));
  }
  for (const report of done) {
    expect((await registry.getVersion(report.model, report.version)).digest).toBe(report.digest);
  }
  const common = done.filter((report) => report.content === 'common');
  expect(new Set(common.map((report) => report.version)).size).toBe(1);
  expect(common.filter((report) => report.created)).toHaveLength(1);

  const history = await registry.aliasHistory('shared', 'production');
  expect(history).toHaveLength(WORKERS * 4);
  history.forEach((move, index) => expect(move.from).toBe(history[index - 1]?.to));
  const moved = new Set(history.map((move) => `${move.actor} ${move.reason}`));
  expect(moved.size).toBe(WORKERS * 4);
  expect(await registry.aliases('shared')).toEqual({ production: history.at(-1)?.to });
}

export function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}

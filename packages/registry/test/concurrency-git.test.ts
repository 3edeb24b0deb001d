import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLog, ProcessToolRunner } from '@envoy/core';
import { GitRegistry } from '../src/index.js';
import type { WorkerPlan } from './fixtures/registry-worker.js';
import { buildWorker, createGitRemote, git, startWorker, temporaryFolder } from './helpers.js';
import { WORKERS, expectConsistent, operationsOf, range, runAll } from './race.js';

let script: string;
beforeAll(async () => {
  script = await buildWorker();
});

describe('the git registry under concurrent runners', () => {
  it('pushes every change exactly once when 8 clones race on one bare repository', async () => {
    const base = await temporaryFolder('git-race');
    const { remote, clone } = await createGitRemote(base);
    const plans: WorkerPlan[] = [];
    for (const worker of range(WORKERS)) {
      plans.push({
        backend: 'git',
        root: await clone(`runner-${worker}`),
        scratch: join(base, 'scratch'),
        name: `worker-${worker}`,
        operations: operationsOf(worker),
      });
    }
    const done = await runAll(plans, script);
    const tools = new ProcessToolRunner();
    const reader = new GitRegistry({ root: await clone('reader'), tools, log: new MemoryLog() });
    await expectConsistent(reader, done);

    const subjects = git(base, '--git-dir', remote, 'log', '--format=%s', 'envoy-registry')
      .trim()
      .split('\n');
    const created = done.filter((report) => report.kind === 'register' && report.created);
    const history = await reader.aliasHistory('shared');
    expect(subjects).toHaveLength(created.length + history.length);
    for (const report of created) {
      expect(subjects).toContain(`register ${report.model} v${report.version} ${report.digest}`);
    }
    for (const move of history) {
      const from = move.from ?? 'none';
      expect(subjects).toContain(`alias production shared ${from} -> ${move.to}: ${move.reason}`);
    }
  }, 120_000);
});

describe('the git registry after a killed writer', () => {
  it('recovers its workspace and carries on from the branch tip', async () => {
    const base = await temporaryFolder('git-kill');
    const { remote, clone } = await createGitRemote(base);
    const root = await clone('runner');
    const operations = range(100).map((step) => ({
      kind: 'alias' as const,
      model: 'victim',
      alias: 'production',
      content: `v${step}`,
    }));
    const plan = {
      backend: 'git' as const,
      root,
      scratch: join(base, 'scratch'),
      name: 'victim',
      operations,
    };
    const worker = await startWorker(script, plan);
    while (worker.done.length < 3) await new Promise((resolve) => setTimeout(resolve, 2));
    worker.child.kill('SIGKILL');
    expect((await worker.exit).signal).toBe('SIGKILL');

    const tools = new ProcessToolRunner();
    const registry = new GitRegistry({ root, tools, log: new MemoryLog(), staleLockMs: 2000 });
    const path = join(base, 'after.bin');
    await writeFile(path, 'after the kill');
    const request = { model: 'victim', path, source: 'after.bin', format: 'other', lineage: {} };
    const { version } = await registry.register(request);
    await registry.moveAlias('victim', 'production', version.version, {
      actor: 'survivor',
      reason: 'recovered',
    });

    const versions = (await registry.listVersions('victim')).map((each) => each.version);
    expect(versions).toEqual(range(versions.length));
    expect(await registry.aliases('victim')).toEqual({ production: version.version });
    const files = git(base, '--git-dir', remote, 'ls-tree', '-r', '--name-only', 'envoy-registry');
    for (const file of files
      .trim()
      .split('\n')
      .filter((name) => name.endsWith('.json'))) {
      const text = git(base, '--git-dir', remote, 'show', `envoy-registry:${file}`);
      expect(() => JSON.parse(text), file).not.toThrow();
    }
    expect(files).toContain(`models/victim/versions/${version.version}.json`);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});

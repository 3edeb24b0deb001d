import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLog } from '@envoy/core';
import { LocalRegistry } from '../src/index.js';
import type { WorkerOperation } from './fixtures/registry-worker.js';
import { buildWorker, startWorker, temporaryFolder } from './helpers.js';
import { WORKERS, expectConsistent, operationsOf, range, runAll } from './race.js';

let script: string;
beforeAll(async () => {
  script = await buildWorker();
});

describe('the local registry under concurrent processes', () => {
  it('loses and duplicates nothing when 8 processes write at once', async () => {
    const base = await temporaryFolder('local-race');
    const folder = join(base, 'registry');
    const plans = range(WORKERS).map((worker) => ({
      backend: 'local' as const,
      root: folder,
      scratch: join(base, 'scratch'),
      name: `worker-${worker}`,
      operations: operationsOf(worker),
    }));
    const done = await runAll(plans, script);
    await expectConsistent(new LocalRegistry(folder, new MemoryLog()), done);
  });

  it('leaves only whole JSON files when writers are killed mid-way', async () => {
    const base = await temporaryFolder('local-kill');
    const folder = join(base, 'registry');
    const operations = range(200).flatMap((step): WorkerOperation[] => [
      { kind: 'alias', model: 'victim', alias: 'production', content: `v${step % 20}` },
    ]);
    const workers = await Promise.all(
      [3, 6, 9].map((killAfter) =>
        startWorker(script, {
          backend: 'local',
          root: folder,
          scratch: join(base, 'scratch'),
          name: `killed-after-${killAfter}`,
          operations,
        }).then((worker) => ({ worker, killAfter })),
      ),
    );
    await Promise.all(
      workers.map(async ({ worker, killAfter }) => {
        while (worker.done.length < killAfter) await new Promise((r) => setTimeout(r, 2));
        worker.child.kill('SIGKILL');
        expect((await worker.exit).signal).toBe('SIGKILL');
      }),
    );

    for (const file of await listFiles(folder)) {
      const text = await readFile(file, 'utf8');
      if (file.endsWith('.json')) expect(() => JSON.parse(text), file).not.toThrow();
      if (file.endsWith('.jsonl')) {
        for (const line of text.trim().split('\n'))
          expect(() => JSON.parse(line), file).not.toThrow();
      }
    }
    const registry = new LocalRegistry(folder, new MemoryLog(), { staleLockMs: 2000 });
    const versions = (await registry.listVersions('victim')).map((version) => version.version);
    expect(versions).toEqual(range(versions.length));
    const why = { actor: 'survivor', reason: 'after the kill' };
    const move = await registry.moveAlias('victim', 'production', versions.at(-1) ?? 1, why);
    expect((await registry.aliasHistory('victim')).at(-1)).toEqual(move);
  });
});

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

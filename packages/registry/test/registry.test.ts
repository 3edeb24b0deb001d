import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryLog, ProcessToolRunner, UserError } from '@envoy/core';
import { GitRegistry, LocalRegistry, openRegistry, type Registry } from '../src/index.js';
import { createGitRemote, git, sampleResults, temporaryFolder } from './helpers.js';

interface Setup {
  registry: Registry;
  /** Reads one registry file as text, wherever the backend keeps it. */
  readRegistryFile(path: string): Promise<string>;
}

async function localSetup(base: string): Promise<Setup> {
  const folder = join(base, 'registry');
  return {
    registry: new LocalRegistry(folder, new MemoryLog()),
    readRegistryFile: (path) => readFile(join(folder, path), 'utf8'),
  };
}

async function gitSetup(base: string): Promise<Setup> {
  const { remote, clone } = await createGitRemote(base);
  const root = await clone('checkout');
  const tools = new ProcessToolRunner();
  return {
    registry: new GitRegistry({ root, tools, log: new MemoryLog() }),
    readRegistryFile: async (path) =>
      git(base, '--git-dir', remote, 'show', `envoy-registry:${path}`),
  };
}

describe.each([
  { backend: 'local', setup: localSetup },
  { backend: 'git', setup: gitSetup },
])('the $backend registry', ({ setup }) => {
  let base: string;
  let registry: Registry;
  let readRegistryFile: Setup['readRegistryFile'];

  async function register(model: string, content: string, now?: Date) {
    const path = join(base, `${model}-${content}.onnx`);
    await writeFile(path, content);
    const lineage = { commit: 'abc123', actor: 'octocat' };
    return registry.register({
      model,
      path,
      source: `models/${model}.onnx`,
      format: 'onnx',
      lineage,
      now,
    });
  }

  beforeEach(async () => {
    base = await temporaryFolder('api');
    ({ registry, readRegistryFile } = await setup(base));
  });

  it('numbers versions in order and returns the existing version for a known digest', async () => {
    const first = await register('silero-vad', 'one', new Date('2025-01-01T00:00:00Z'));
    const second = await register('silero-vad', 'two');
    const again = await register('silero-vad', 'one');

    expect(first).toMatchObject({
      created: true,
      version: { version: 1, source: 'models/silero-vad.onnx' },
    });
    expect(first.version.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(first.version.files).toEqual([{ path: 'silero-vad-one.onnx', bytes: 3 }]);
    expect(second).toMatchObject({ created: true, version: { version: 2 } });
    expect(again).toEqual({ created: false, version: first.version });
    expect((await registry.listVersions('silero-vad')).map((v) => v.version)).toEqual([1, 2]);
    await register('whisper-tiny', 'w');
    expect(await registry.listModels()).toEqual(['silero-vad', 'whisper-tiny']);
  });

  it('keeps each version as human-readable JSON with two-space indentation', async () => {
    const { version } = await register('silero-vad', 'one');
    const text = await readRegistryFile('models/silero-vad/versions/1.json');
    expect(text).toBe(JSON.stringify(version, null, 2) + '\n');
  });

  it('treats "2" and 2 as the same version, and resolves numbers and aliases', async () => {
    await register('silero-vad', 'one');
    const two = (await register('silero-vad', 'two')).version;
    await registry.moveAlias('silero-vad', 'production', '2', {
      actor: 'ci',
      reason: 'gate passed',
    });

    expect(await registry.getVersion('silero-vad', '2')).toEqual(two);
    expect(await registry.getVersion('silero-vad', 2)).toEqual(two);
    expect(await registry.resolve('silero-vad', '2')).toEqual(two);
    expect(await registry.resolve('silero-vad', 2)).toEqual(two);
    expect(await registry.resolve('silero-vad', 'v2')).toEqual(two);
    expect(await registry.resolve('silero-vad', 'production')).toEqual(two);
  });

  it.each([
    ['an unknown model', (r: Registry) => r.getVersion('nope', 1), "'nope'"],
    ['an unknown version', (r: Registry) => r.getVersion('silero-vad', '7'), 'no version 7'],
    ['an unknown alias', (r: Registry) => r.resolve('silero-vad', 'staging'), "'staging'"],
    ['a version that is not a number', (r: Registry) => r.getVersion('silero-vad', '1.5'), '"1.5"'],
    ['an invalid model name', (r: Registry) => r.listVersions('Silero VAD'), '"Silero VAD"'],
    [
      'an invalid alias name',
      (r: Registry) => r.moveAlias('silero-vad', 'Prod!', 1, { actor: 'a', reason: 'r' }),
      '"Prod!"',
    ],
    [
      'a move to an unknown version',
      (r: Registry) => r.moveAlias('silero-vad', 'production', 9, { actor: 'a', reason: 'r' }),
      'no version 9',
    ],
    [
      'a move without a reason',
      (r: Registry) => r.moveAlias('silero-vad', 'production', 1, { actor: 'a', reason: ' ' }),
      'reason',
    ],
    [
      'results of an unknown version',
      (r: Registry) => r.getResults('silero-vad', 3),
      'no version 3',
    ],
  ])('refuses %s with a UserError naming it', async (_case, act, named) => {
    await register('silero-vad', 'one');
    const error = await act(registry).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(named);
  });

  it('reads a model without versions or aliases as empty, so callers can say so', async () => {
    await register('silero-vad', 'one');

    expect(await registry.listVersions('whisper-tiny')).toEqual([]);
    expect(await registry.aliases('silero-vad')).toEqual({});
    expect(await registry.aliasHistory('whisper-tiny')).toEqual([]);
    expect(await registry.aliasAt('silero-vad', 'production', new Date())).toBeUndefined();
  });

  it('moves aliases, keeps the audit log and answers which version an alias named when', async () => {
    await register('silero-vad', 'one');
    await register('silero-vad', 'two');
    await register('silero-vad', 'three');
    const moves = [
      ['production', 1, '2025-01-01T00:00:00Z'],
      ['staging', 2, '2025-02-01T00:00:00Z'],
      ['production', 2, '2025-03-01T00:00:00Z'],
      ['production', 3, '2025-04-01T00:00:00Z'],
    ] as const;
    for (const [alias, version, at] of moves) {
      const why = { actor: 'octocat', reason: `promote v${version}`, now: new Date(at) };
      await registry.moveAlias('silero-vad', alias, version, why);
    }

    expect(await registry.aliases('silero-vad')).toEqual({ production: 3, staging: 2 });
    const production = await registry.aliasHistory('silero-vad', 'production');
    expect(production.map((move) => [move.from, move.to])).toEqual([
      [undefined, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(production[2]).toEqual({
      model: 'silero-vad',
      alias: 'production',
      from: 2,
      to: 3,
      at: '2025-04-01T00:00:00.000Z',
      actor: 'octocat',
      reason: 'promote v3',
    });
    expect(await registry.aliasHistory('silero-vad')).toHaveLength(4);
    expect(
      await registry.aliasAt('silero-vad', 'production', new Date('2024-12-31')),
    ).toBeUndefined();
    expect(await registry.aliasAt('silero-vad', 'production', new Date('2025-01-01'))).toBe(1);
    expect(await registry.aliasAt('silero-vad', 'production', new Date('2025-03-15'))).toBe(2);
    expect(await registry.aliasAt('silero-vad', 'production', new Date('2026-01-01'))).toBe(3);
    const aliasesFile = await readRegistryFile('models/silero-vad/aliases.json');
    expect(JSON.parse(aliasesFile)).toEqual({ production: 3, staging: 2 });
    const auditLines = (await readRegistryFile('models/silero-vad/audit.jsonl')).trim().split('\n');
    expect(auditLines.map((line) => JSON.parse(line).to)).toEqual([1, 2, 2, 3]);
  });

  it('keeps every benchmark run per hardware class, newest last', async () => {
    const { version } = await register('silero-vad', 'one');
    await registry.attachResults(sampleResults(version, 'cpu-a1', '2025-01-02T00:00:00Z'));
    await registry.attachResults(sampleResults(version, 'gpu-b2', '2025-01-01T00:00:00Z'));
    await registry.attachResults(sampleResults(version, 'cpu-a1', '2025-01-03T00:00:00Z'));

    const cpu = await registry.getResults('silero-vad', '1', 'cpu-a1');
    expect(cpu.map((run) => run.finishedAt)).toEqual([
      '2025-01-02T00:00:00Z',
      '2025-01-03T00:00:00Z',
    ]);
    const all = await registry.getResults('silero-vad', 1);
    expect(all.map((run) => run.hardware.class)).toEqual(['gpu-b2', 'cpu-a1', 'cpu-a1']);
    expect(await registry.getResults('silero-vad', 1, 'fpga-c3')).toEqual([]);
    const stored = JSON.parse(await readRegistryFile('models/silero-vad/results/1/cpu-a1.json'));
    expect(stored).toHaveLength(2);
  });

  it('refuses results measured on another digest', async () => {
    const { version } = await register('silero-vad', 'one');
    const results = {
      ...sampleResults(version, 'cpu-a1', '2025-01-01T00:00:00Z'),
      digest: 'sha256:00',
    };
    await expect(registry.attachResults(results)).rejects.toThrow(/sha256:00/);
  });
});

describe('the git registry', () => {
  it('records every change as a commit on its branch and leaves the checkout alone', async () => {
    const base = await temporaryFolder('git-log');
    const { remote, clone } = await createGitRemote(base);
    const root = await clone('checkout');
    const headBefore = git(root, 'rev-parse', 'HEAD');
    const registry = new GitRegistry({
      root,
      tools: new ProcessToolRunner(),
      log: new MemoryLog(),
    });
    const path = join(base, 'model.onnx');
    await writeFile(path, 'weights');
    const lineage = { actor: 'octocat' };
    const { version } = await registry.register({
      model: 'vad',
      path,
      source: 'model.onnx',
      format: 'onnx',
      lineage,
    });
    await registry.register({ model: 'vad', path, source: 'model.onnx', format: 'onnx', lineage });
    await registry.moveAlias('vad', 'production', 1, {
      actor: 'octocat',
      reason: 'first\nrelease',
    });

    const log = git(base, '--git-dir', remote, 'log', '--format=%an <%ae>|%s', 'envoy-registry');
    expect(log.trim().split('\n')).toEqual([
      'octocat <octocat@users.noreply.github.com>|alias production vad none -> 1: first release',
      `octocat <octocat@users.noreply.github.com>|register vad v1 ${version.digest}`,
    ]);
    expect(
      git(base, '--git-dir', remote, 'rev-list', '--max-parents=0', 'envoy-registry').trim(),
    ).toBe(git(base, '--git-dir', remote, 'rev-list', 'envoy-registry').trim().split('\n').at(-1));
    expect(git(root, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('names the missing remote', async () => {
    const base = await temporaryFolder('git-no-remote');
    git(base, 'init', '--quiet');
    const registry = new GitRegistry({
      root: base,
      remote: 'upstream',
      tools: new ProcessToolRunner(),
      log: new MemoryLog(),
    });
    await expect(registry.listModels()).rejects.toThrow(/remote 'upstream'/);
  });
});

describe('openRegistry', () => {
  it.each([
    [undefined, LocalRegistry],
    ['local' as const, LocalRegistry],
    ['git' as const, GitRegistry],
  ])('opens backend %s', (backend, kind) => {
    const settings = {
      backend,
      path: '.envoy/registry',
      branch: 'envoy-registry',
      remote: 'origin',
    };
    const deps = { tools: new ProcessToolRunner(), log: new MemoryLog() };
    expect(openRegistry(settings, '/work', deps)).toBeInstanceOf(kind);
  });

  it('puts the local registry under the workspace', () => {
    const settings = { path: 'registry', branch: 'b', remote: 'o' };
    const registry = openRegistry(settings, '/work', {
      tools: new ProcessToolRunner(),
      log: new MemoryLog(),
    });
    expect((registry as LocalRegistry).folder).toBe('/work/registry');
  });
});

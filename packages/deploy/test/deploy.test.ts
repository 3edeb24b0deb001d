import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLog, type ModelVersion } from '@envoy/core';
import type { DeployTarget } from '@envoy/config';
import {
  deployLocal,
  readDeployRecord,
  stopLocalDeployment,
  type DeployRequest,
} from '../src/index.js';
import { findFreePort } from '../src/process.js';
import { SILERO_LEGACY_MODEL, SILERO_MODEL, sileroRequest } from './fixtures/silero.js';

let scratch: string;
let serverCommand: string[];
const started = new Set<number>();

/** Bundles the serve entry the way a release would, keeping onnxruntime-node external. */
async function bundleServeEntry(outputFile: string): Promise<void> {
  const bundle = await rolldown({
    input: resolve('packages/deploy/src/serve-main.ts'),
    platform: 'node',
    external: ['onnxruntime-node'],
    logLevel: 'warn',
  });
  await bundle.write({ file: outputFile, format: 'esm' });
  await bundle.close();
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'envoy-deploy-'));
  const entry = join(scratch, 'serve.mjs');
  await bundleServeEntry(entry);
  serverCommand = [process.execPath, entry];
});

afterAll(async () => {
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await rm(scratch, { recursive: true, force: true });
});

function target(name: string, port = 0): DeployTarget {
  const settings = { kind: 'local', alias: 'production', host: '127.0.0.1', port } as const;
  return { name, ...settings, environment: name, healthTimeoutSeconds: 20 };
}

function version(number: number): ModelVersion {
  return {
    model: 'silero-vad',
    version: number,
    digest: `sha256:${String(number).repeat(64).slice(0, 64)}`,
    format: 'onnx',
    source: 'silero_vad_v5.onnx',
    files: [],
    lineage: {},
    createdAt: '2025-01-01T00:00:00Z',
  };
}

async function deploy(name: string, change: Partial<DeployRequest> & { model: ModelVersion }) {
  const log = new MemoryLog();
  const stateDir = change.stateDir ?? join(scratch, 'state');
  const outcome = await deployLocal(
    {
      target: target(name),
      modelFile: SILERO_MODEL,
      stateDir,
      serverCommand,
      smokeRequest: sileroRequest(),
      ...change,
    },
    { log },
  );
  const record = await readDeployRecord(stateDir, name);
  if (record?.pid) started.add(record.pid);
  return { outcome, record, log };
}

async function servedVersions(url: string): Promise<string[]> {
  const response = await fetch(`${url}/v2/models/silero-vad`);
  return ((await response.json()) as { versions: string[] }).versions;
}

async function inputNames(url: string): Promise<string[]> {
  const response = await fetch(`${url}/v2/models/silero-vad`);
  return ((await response.json()) as { inputs: Array<{ name: string }> }).inputs.map((i) => i.name);
}

async function sha256Of(path: string): Promise<string> {
  return `sha256:${createHash('sha256')
    .update(await readFile(path))
    .digest('hex')}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('deployLocal', () => {
  it('deploys, keeps, replaces, rolls back and stops a local target', async () => {
    const first = await deploy('staging', { model: version(1) });
    expect(first.outcome).toMatchObject({ status: 'deployed', version: 1 });
    expect(first.outcome.previousVersion).toBeUndefined();
    expect(await servedVersions(first.outcome.url)).toEqual(['1']);
    expect(first.record).toMatchObject({ target: 'staging', version: 1, url: first.outcome.url });

    const again = await deploy('staging', { model: version(1) });
    expect(again.outcome).toMatchObject({ status: 'unchanged', url: first.outcome.url });
    expect(again.record?.pid).toBe(first.record?.pid);

    const second = await deploy('staging', { model: version(2) });
    expect(second.outcome).toMatchObject({ status: 'deployed', version: 2, previousVersion: 1 });
    expect(second.outcome.url).not.toBe(first.outcome.url);
    expect(await servedVersions(second.outcome.url)).toEqual(['2']);
    expect(alive(first.record!.pid)).toBe(false);
    expect(second.record).toMatchObject({ version: 2, digest: version(2).digest });

    const badSmoke = sileroRequest();
    badSmoke.inputs[0]!.name = 'audio';
    const third = await deploy('staging', { model: version(3), smokeRequest: badSmoke });
    expect(third.outcome).toMatchObject({ status: 'rolled-back', version: 3, previousVersion: 2 });
    expect(third.outcome.url).toBe(second.outcome.url);
    expect(third.outcome.reason).toMatch(/smoke inference got 400.*unknown input \\?"audio/);
    expect(await servedVersions(second.outcome.url)).toEqual(['2']);
    expect({ ...third.record, history: [] }).toEqual({ ...second.record, history: [] });
    expect(third.record?.history.map((event) => [event.event, event.version])).toEqual([
      ['deployed', 1],
      ['deployed', 2],
      ['rolled-back', 3],
    ]);

    await stopLocalDeployment(join(scratch, 'state'), 'staging');
    const stopped = await readDeployRecord(join(scratch, 'state'), 'staging');
    expect(stopped?.pid).toBe(0);
    expect(stopped?.history.at(-1)).toMatchObject({ event: 'stopped', version: 2 });
    expect(alive(second.record!.pid)).toBe(false);
  });

  it('rolls back a model that cannot load, quoting the server log', async () => {
    const broken = join(scratch, 'broken.onnx');
    await writeFile(broken, 'this is not an ONNX model');
    await deploy('canary', { model: version(1) });
    const { outcome, record, log } = await deploy('canary', {
      model: version(2),
      modelFile: broken,
    });
    expect(outcome.status).toBe('rolled-back');
    expect(outcome.reason).toMatch(/stopped before it was ready \(it exited with code 1\)/);
    expect(outcome.reason).toMatch(/envoy-serve: .*broken\.onnx|protobuf|Load model/i);
    expect(record?.version).toBe(1);
    expect(await servedVersions(outcome.url)).toEqual(['1']);
    expect(log.lines.some((line) => line.startsWith('warning: canary: silero-vad v2 failed'))).toBe(
      true,
    );
  });

  it('restarts the old server on a fixed port when the new one fails', async () => {
    const port = await findFreePort('127.0.0.1');
    const first = await deploy('fixed', { model: version(1), target: target('fixed', port) });
    expect(first.outcome.url).toBe(`http://127.0.0.1:${port}`);

    const badSmoke = { inputs: [] };
    const failed = await deploy('fixed', {
      model: version(2),
      target: target('fixed', port),
      smokeRequest: badSmoke,
    });
    expect(failed.outcome).toMatchObject({ status: 'rolled-back', url: first.outcome.url });
    expect(failed.record?.pid).not.toBe(first.record?.pid);
    expect(await servedVersions(first.outcome.url)).toEqual(['1']);

    const replaced = await deploy('fixed', { model: version(2), target: target('fixed', port) });
    expect(replaced.outcome).toMatchObject({ status: 'deployed', url: first.outcome.url });
    expect(await servedVersions(first.outcome.url)).toEqual(['2']);
  });

  it('refuses a target name that is not a plain file name', async () => {
    await expect(deploy('../escape', { model: version(1) })).rejects.toThrow(/deploy target name/);
  });

  it('restarts the old server on its stored copy, not on the overwritten working tree file', async () => {
    const stateDir = join(scratch, 'pinned');
    const workFile = join(scratch, 'tree', 'vad.onnx');
    await mkdir(join(scratch, 'tree'), { recursive: true });
    await copyFile(SILERO_MODEL, workFile);
    const fixed = target('pinned', await findFreePort('127.0.0.1'));
    const first = await deploy('pinned', {
      model: version(1),
      target: fixed,
      stateDir,
      modelFile: workFile,
    });
    const hex = version(1).digest.slice('sha256:'.length);
    expect(first.record).toMatchObject({
      modelFile: join(stateDir, 'models', hex, 'vad.onnx'),
      fileSha256: await sha256Of(SILERO_MODEL),
    });
    expect(first.record?.command).toContain(first.record?.modelFile);

    await copyFile(SILERO_LEGACY_MODEL, workFile);
    const failed = await deploy('pinned', {
      model: version(2),
      target: fixed,
      stateDir,
      modelFile: workFile,
    });
    expect(failed.outcome).toMatchObject({
      status: 'rolled-back',
      version: 2,
      previousVersion: 1,
      url: first.outcome.url,
    });
    expect(failed.outcome.reason).toMatch(/unknown input \\?"state/);
    expect(await inputNames(first.outcome.url)).toEqual(['input', 'state', 'sr']);
    const infer = await fetch(`${first.outcome.url}/v2/models/silero-vad/infer`, {
      method: 'POST',
      body: JSON.stringify(sileroRequest()),
    });
    expect(infer.status).toBe(200);
  });

  it.each([
    ['is gone', (path: string) => rm(path)],
    [
      'was changed',
      async (path: string) => {
        await chmod(path, 0o644);
        await copyFile(SILERO_LEGACY_MODEL, path);
      },
    ],
  ])('does not restart the old server when its stored copy %s', async (_, spoil) => {
    const stateDir = await mkdtemp(join(scratch, 'spoiled-'));
    const fixed = target('spoiled', await findFreePort('127.0.0.1'));
    const first = await deploy('spoiled', { model: version(1), target: fixed, stateDir });
    await spoil(first.record!.modelFile);

    const failed = await deploy('spoiled', {
      model: version(2),
      target: fixed,
      stateDir,
      smokeRequest: { inputs: [] },
    });
    expect(failed.outcome).toMatchObject({ status: 'rolled-back', version: 2, url: '' });
    expect(failed.outcome.previousVersion).toBeUndefined();
    expect(failed.outcome.reason).toMatch(
      /v1 could not be restarted \(its model copy .*vad_v5\.onnx (is gone|holds sha256:\w+, not the recorded sha256:\w+)\), so nothing serves spoiled/,
    );
    expect(failed.log.lines.some((line) => /^error: spoiled: v1 could not be/.test(line))).toBe(
      true,
    );
    expect(failed.record).toMatchObject({ version: 1, pid: 0 });
    expect(failed.record?.history.at(-1)).toMatchObject({ event: 'rolled-back', version: 2 });
    await expect(fetch(first.outcome.url)).rejects.toThrow();
  });

  it('reports that nothing serves when a first deploy, or one after a stop, fails', async () => {
    const stateDir = join(scratch, 'idle');
    const broken = { model: version(2), stateDir, smokeRequest: { inputs: [] } };
    const firstFailed = await deploy('idle', broken);
    expect(firstFailed.outcome).toMatchObject({ status: 'rolled-back', version: 2, url: '' });
    expect(firstFailed.outcome.previousVersion).toBeUndefined();
    expect(firstFailed.outcome.reason).toMatch(/nothing serves idle$/);
    expect(firstFailed.record).toBeUndefined();

    await deploy('idle', { model: version(1), stateDir });
    await stopLocalDeployment(stateDir, 'idle');
    const afterStop = await deploy('idle', broken);
    expect(afterStop.outcome).toMatchObject({ status: 'rolled-back', version: 2, url: '' });
    expect(afterStop.outcome.previousVersion).toBeUndefined();
    expect(afterStop.outcome.reason).toMatch(/nothing serves idle$/);
    expect(afterStop.record).toMatchObject({ version: 1, pid: 0 });
  });

  it('deploys the same version again when the target moves to another port or host', async () => {
    const stateDir = join(scratch, 'moving');
    const first = await deploy('moving', { model: version(1), stateDir });
    const port = await findFreePort('127.0.0.1');

    const moved = await deploy('moving', {
      model: version(1),
      stateDir,
      target: target('moving', port),
    });
    expect(moved.outcome).toMatchObject({
      status: 'deployed',
      version: 1,
      previousVersion: 1,
      url: `http://127.0.0.1:${port}`,
    });
    expect(await servedVersions(moved.outcome.url)).toEqual(['1']);
    expect(alive(first.record!.pid)).toBe(false);

    const again = await deploy('moving', {
      model: version(1),
      stateDir,
      target: target('moving', port),
    });
    expect(again.outcome).toMatchObject({ status: 'unchanged', url: moved.outcome.url });
    expect(again.record?.pid).toBe(moved.record?.pid);

    const rehosted = { ...target('moving', port), host: 'localhost' };
    const third = await deploy('moving', { model: version(1), stateDir, target: rehosted });
    expect(third.outcome).toMatchObject({ status: 'deployed', url: `http://localhost:${port}` });
    expect(third.record).toMatchObject({ host: 'localhost', version: 1 });
    expect(await servedVersions(third.outcome.url)).toEqual(['1']);
    expect(alive(moved.record!.pid)).toBe(false);
  });
});

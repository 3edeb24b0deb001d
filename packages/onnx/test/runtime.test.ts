import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { MemoryLog, UserError, type ToolRunner } from '@envoy/core';
import {
  findOnnxRuntime,
  loadOnnxRuntime,
  ONNXRUNTIME_VERSION,
  readModelSignature,
} from '../src/index.js';

const REPO = resolve(import.meta.dirname, '../../..');
const INSTALLED = dirname(
  createRequire(join(REPO, 'x.js')).resolve('onnxruntime-node/package.json'),
);

/** A stand-in for npm: records the call and links the repository's copy where npm would put it. */
function fakeNpm(calls: string[][]): ToolRunner {
  return {
    async run(tool, args) {
      calls.push([tool, ...args]);
      const prefix = args[args.indexOf('--prefix') + 1]!;
      await mkdir(join(prefix, 'node_modules'), { recursive: true });
      await symlink(INSTALLED, join(prefix, 'node_modules', 'onnxruntime-node'));
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

describe('loadOnnxRuntime', () => {
  it('pins the release the repository installs and tests', async () => {
    const installed = JSON.parse(await readFile(join(INSTALLED, 'package.json'), 'utf8'));
    expect(ONNXRUNTIME_VERSION).toBe(installed.version);
  });

  it('uses an installed copy found from the search folders', async () => {
    const calls: string[][] = [];
    const runtime = await loadOnnxRuntime({ searchFrom: [REPO] }, fakeNpm(calls), new MemoryLog());
    expect(typeof runtime.InferenceSession.create).toBe('function');
    expect(calls).toEqual([]);
  });

  it('installs the pinned release with npm when none is found', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'envoy-ort-none-'));
    const target = await mkdtemp(join(tmpdir(), 'envoy-ort-install-'));
    expect(findOnnxRuntime([empty, target])).toBeUndefined();
    const calls: string[][] = [];
    const log = new MemoryLog();
    const runtime = await loadOnnxRuntime(
      { searchFrom: [empty], installDirectory: target },
      fakeNpm(calls),
      log,
    );
    expect(calls).toEqual([
      [
        'npm',
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        target,
        `onnxruntime-node@${ONNXRUNTIME_VERSION}`,
      ],
    ]);
    expect(typeof runtime.Tensor).toBe('function');
    expect(log.lines).toContain(
      `info: Installing onnxruntime-node@${ONNXRUNTIME_VERSION} into ${target}`,
    );
  });

  it('says how to install it when installing is not allowed', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'envoy-ort-none-'));
    await expect(
      loadOnnxRuntime({ searchFrom: [empty] }, fakeNpm([]), new MemoryLog()),
    ).rejects.toThrow(
      new UserError(
        `onnxruntime-node is not installed: run "npm install onnxruntime-node@${ONNXRUNTIME_VERSION}"`,
      ),
    );
  });
});

describe('readModelSignature', () => {
  it('reads a real model’s inputs and outputs, symbolic dimensions included', async () => {
    const runtime = await loadOnnxRuntime({ searchFrom: [REPO] }, fakeNpm([]), new MemoryLog());
    const model = join(REPO, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx');
    const signature = await readModelSignature(runtime, model);
    expect(signature.inputs).toEqual([
      { name: 'input', type: 'float32', shape: ['batch', 'sequence'] },
      { name: 'sr', type: 'int64', shape: [] },
      { name: 'h', type: 'float32', shape: [2, 'batch', 64] },
      { name: 'c', type: 'float32', shape: [2, 'batch', 64] },
    ]);
    expect(signature.outputs.map((output) => output.name)).toEqual(['output', 'hn', 'cn']);
  });
});

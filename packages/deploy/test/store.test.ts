import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError, type ModelVersion } from '@envoy/core';
import { storeModelCopy, storedCopyProblem } from '../src/store.js';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'envoy-store-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function version(digest = `sha256:${'ab'.repeat(32)}`): ModelVersion {
  return {
    model: 'tiny',
    version: 4,
    digest,
    format: 'onnx',
    source: 'model.onnx',
    files: [],
    lineage: {},
    createdAt: '2025-01-01T00:00:00Z',
  };
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

describe('storeModelCopy', () => {
  it('copies read-only under the digest, reuses an intact copy and replaces a spoiled one', async () => {
    const stateDir = join(scratch, 'state');
    const source = join(scratch, 'model.onnx');
    await writeFile(source, 'first bytes');

    const stored = await storeModelCopy(stateDir, version(), source);
    expect(stored).toEqual({
      path: join(stateDir, 'models', 'ab'.repeat(32), 'model.onnx'),
      sha256: sha256('first bytes'),
    });
    expect((await stat(stored.path)).mode & 0o777).toBe(0o444);
    await writeFile(source, 'the user edits the working tree');
    expect(await readFile(stored.path, 'utf8')).toBe('first bytes');
    expect(await storedCopyProblem(stored.path, stored.sha256)).toBeUndefined();

    const { ino } = await stat(stored.path);
    await writeFile(source, 'first bytes');
    await storeModelCopy(stateDir, version(), source);
    expect((await stat(stored.path)).ino).toBe(ino);

    await chmod(stored.path, 0o644);
    await writeFile(stored.path, 'spoiled');
    expect(await storedCopyProblem(stored.path, stored.sha256)).toMatch(
      /holds sha256:\w+, not the recorded sha256:/,
    );
    await storeModelCopy(stateDir, version(), source);
    expect(await readFile(stored.path, 'utf8')).toBe('first bytes');

    await rm(stored.path);
    expect(await storedCopyProblem(stored.path, stored.sha256)).toMatch(/is gone$/);
  });

  it.each([
    [
      'a digest that is not sha256 hex',
      version('sha256:../../etc'),
      'model.onnx',
      /digest "sha256:\.\.\/\.\.\/etc"/,
    ],
    [
      'a model file that does not exist',
      version(),
      'missing.onnx',
      /cannot read the model file ".*missing\.onnx"/,
    ],
  ])('refuses %s', async (_, model, file, message) => {
    await writeFile(join(scratch, 'model.onnx'), 'bytes');
    const attempt = storeModelCopy(join(scratch, 'refused'), model, join(scratch, file));
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(message);
  });
});

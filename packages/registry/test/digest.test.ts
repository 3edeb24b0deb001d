import { createHash } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import { computeModelDigest } from '../src/index.js';
import { temporaryFolder } from './helpers.js';

type Files = Record<string, string>;

async function writeModel(files: Files, order: string[] = Object.keys(files)): Promise<string> {
  const folder = await temporaryFolder('digest');
  for (const path of order) {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), files[path] ?? '');
  }
  return folder;
}

/** The documented framing, written out independently: path NUL length NUL bytes, sorted. */
function expectedDigest(files: Files): string {
  const hash = createHash('sha256');
  for (const path of Object.keys(files).sort()) {
    const bytes = Buffer.from(files[path] ?? '');
    hash.update(`${path}\0${bytes.length}\0`).update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

const model: Files = {
  'model.onnx': 'weights',
  'config/labels.txt': 'speech\nsilence\n',
  'b.bin': '',
};

describe('computeModelDigest', () => {
  it('hashes the sorted paths and bytes with the documented framing, the same every run', async () => {
    const folder = await writeModel(model);
    const first = await computeModelDigest(folder);
    const second = await computeModelDigest(folder);

    expect(first.digest).toBe(expectedDigest(model));
    expect(second).toEqual(first);
    expect(first.files).toEqual([
      { path: 'b.bin', bytes: 0 },
      { path: 'config/labels.txt', bytes: 15 },
      { path: 'model.onnx', bytes: 7 },
    ]);
  });

  it('does not depend on the order the files were created in', async () => {
    const forward = await writeModel(model);
    const backward = await writeModel(model, Object.keys(model).reverse());
    expect((await computeModelDigest(backward)).digest).toBe(
      (await computeModelDigest(forward)).digest,
    );
  });

  it.each<[string, Files]>([
    ['one byte changes', { ...model, 'model.onnx': 'weightz' }],
    [
      'a file is renamed',
      { 'model2.onnx': 'weights', 'config/labels.txt': 'speech\nsilence\n', 'b.bin': '' },
    ],
    [
      'a file moves folder',
      { 'model.onnx': 'weights', 'labels.txt': 'speech\nsilence\n', 'b.bin': '' },
    ],
    ['bytes move across a file boundary', { ...model, 'b.bin': 'w', 'model.onnx': 'eights' }],
    ['an empty file is added', { ...model, 'c.bin': '' }],
  ])('changes when %s', async (_case, changed) => {
    const original = await computeModelDigest(await writeModel(model));
    const other = await computeModelDigest(await writeModel(changed));
    expect(other.digest).not.toBe(original.digest);
    expect(other.digest).toBe(expectedDigest(changed));
  });

  it('names a single file by its base name, like a folder holding only that file', async () => {
    const folder = await writeModel({ 'silero_vad.onnx': 'weights' });
    const file = await computeModelDigest(join(folder, 'silero_vad.onnx'));
    const nested = await computeModelDigest(await writeModel({ 'v1/silero_vad.onnx': 'weights' }));

    expect(file.files).toEqual([{ path: 'silero_vad.onnx', bytes: 7 }]);
    expect(file.digest).toBe((await computeModelDigest(folder)).digest);
    expect(nested.digest).not.toBe(file.digest);
  });

  it.each([
    [
      'a path that does not exist',
      async () => join(await temporaryFolder('gone'), 'missing.onnx'),
      'does not exist',
    ],
    ['an empty folder', () => temporaryFolder('empty'), 'holds no files'],
  ])('refuses %s with a UserError', async (_case, makePath, message) => {
    const path = await makePath();
    const error = await computeModelDigest(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(message);
  });

  it('streams a 200 MB file without holding it in memory', async () => {
    const size = 200 * 1024 * 1024;
    const path = join(await temporaryFolder('large'), 'large.bin');
    const handle = await open(path, 'w');
    await handle.truncate(size);
    await handle.write(Buffer.from('end'), 0, 3, size - 3);
    await handle.close();

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const { files } = await computeModelDigest(path);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(files).toEqual([{ path: 'large.bin', bytes: size }]);
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  });
});

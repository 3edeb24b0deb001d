import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryLog, ProcessToolRunner, ToolMissingError, type ModelVersion } from '@envoy/core';
import { buildImageLayout } from '../src/index.js';

// Real-tool validation: skopeo reads the layout the way registries and runtimes do.
const tools = new ProcessToolRunner();

async function skopeoInstalled(): Promise<boolean> {
  try {
    await tools.run('skopeo', ['--version']);
    return true;
  } catch (error) {
    if (error instanceof ToolMissingError) return false;
    throw error;
  }
}

const hasSkopeo = await skopeoInstalled();
const scratch = await mkdtemp(join(tmpdir(), 'envoy-skopeo-'));

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(!hasSkopeo)(
  'image layout read by skopeo (skipped: skopeo is not installed)',
  () => {
    it('inspects with the built digest, labels and layer, and copies with verified blobs', async () => {
      const modelPath = join(scratch, 'model.onnx');
      await writeFile(modelPath, Buffer.alloc(4096, 1));
      const model: ModelVersion = {
        model: 'silero-vad',
        version: 5,
        digest: 'sha256:' + '12'.repeat(32),
        format: 'onnx',
        source: 'model.onnx',
        files: [{ path: 'model.onnx', bytes: 4096 }],
        lineage: {},
        createdAt: '2025-01-02T03:04:05Z',
      };
      const image = await buildImageLayout(
        { model, modelPath, outputDir: join(scratch, 'out'), revision: 'abc123' },
        new MemoryLog(),
      );
      const reference = `oci:${image.layoutPath}:v5`;

      const inspected = JSON.parse((await tools.run('skopeo', ['inspect', reference])).stdout);
      expect(inspected.Digest).toBe(image.manifestDigest);
      expect(inspected.Layers).toEqual([image.layerDigest]);
      expect(inspected.Architecture).toBe('amd64');
      expect(inspected.Labels['dev.envoy.model.digest']).toBe(model.digest);
      expect(inspected.Created).toBe('2025-01-02T03:04:05Z');

      const raw = JSON.parse((await tools.run('skopeo', ['inspect', '--raw', reference])).stdout);
      expect(raw.annotations['org.opencontainers.image.revision']).toBe('abc123');
      expect(raw.annotations['org.opencontainers.image.version']).toBe('5');

      const copy = join(scratch, 'copy');
      await tools.run('skopeo', ['copy', '--quiet', reference, `dir:${copy}`]);
      const copied = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
      expect(copied.layers[0].digest).toBe(image.layerDigest);
    });
  },
);

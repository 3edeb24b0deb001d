import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLog, UserError, type ModelVersion } from '@envoy/core';
import { buildImageLayout, imageTag, type BuiltImage } from '../src/index.js';

const CREATED = '2025-03-04T05:06:07.000Z';
const CREATED_EPOCH = Date.parse(CREATED) / 1000;

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'envoy-image-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function modelVersion(files: Array<{ path: string; bytes: number }>): ModelVersion {
  return {
    model: 'silero-vad',
    version: 3,
    digest: 'sha256:' + 'ab'.repeat(32),
    format: 'onnx',
    source: 'models/silero',
    files,
    lineage: { repository: 'acme/voice', commit: 'c0ffee' },
    createdAt: CREATED,
  };
}

/** A folder model: two files at the top, one in a subfolder. */
async function folderModel(name: string): Promise<{ path: string; model: ModelVersion }> {
  const path = join(scratch, name);
  await mkdir(join(path, 'tokenizer'), { recursive: true });
  await writeFile(join(path, 'model.onnx'), Buffer.alloc(70_000, 7));
  await writeFile(join(path, 'config.json'), '{"sample_rate":16000}\n');
  await writeFile(join(path, 'tokenizer', 'vocab.txt'), 'a\nb\n');
  const model = modelVersion([
    { path: 'config.json', bytes: 22 },
    { path: 'model.onnx', bytes: 70_000 },
    { path: 'tokenizer/vocab.txt', bytes: 4 },
  ]);
  return { path, model };
}

async function build(
  name: string,
  extra: { source?: string; revision?: string; extraTags?: string[] } = {},
) {
  const { path, model } = await folderModel(`${name}-model`);
  const outputDir = join(scratch, name);
  return buildImageLayout({ model, modelPath: path, outputDir, ...extra }, new MemoryLog());
}

async function readBlobJson(image: BuiltImage, digest: string) {
  const hex = digest.replace('sha256:', '');
  return JSON.parse(await readFile(join(image.layoutPath, 'blobs', 'sha256', hex), 'utf8'));
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface ListedEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  bytes: number;
}

async function listTar(path: string): Promise<ListedEntry[]> {
  const listed: ListedEntry[] = [];
  const extract = tarExtract();
  const reading = pipeline(createReadStream(path), extract);
  for await (const entry of extract) {
    let bytes = 0;
    for await (const chunk of entry) bytes += (chunk as Buffer).length;
    const { header } = entry;
    listed.push({
      name: header.name,
      type: String(header.type),
      mode: header.mode ?? -1,
      uid: header.uid ?? -1,
      gid: header.gid ?? -1,
      uname: header.uname ?? '',
      gname: header.gname ?? '',
      mtime: (header.mtime?.getTime() ?? -1) / 1000,
      bytes,
    });
  }
  await reading;
  return listed;
}

describe('buildImageLayout', () => {
  let image: BuiltImage;

  beforeAll(async () => {
    image = await build('first', { source: 'https://github.com/acme/voice', revision: 'c0ffee' });
  });

  it('writes a layout whose every blob matches its digest and recorded size', async () => {
    const layout = JSON.parse(await readFile(join(image.layoutPath, 'oci-layout'), 'utf8'));
    expect(layout).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await readFile(join(image.layoutPath, 'index.json'), 'utf8'));
    const manifest = await readBlobJson(image, image.manifestDigest);
    const descriptors = [index.manifests[0], manifest.config, ...manifest.layers];
    for (const descriptor of descriptors) {
      const hex = descriptor.digest.replace('sha256:', '');
      const path = join(image.layoutPath, 'blobs', 'sha256', hex);
      expect(await sha256File(path)).toBe(hex);
      expect((await stat(path)).size).toBe(descriptor.size);
    }
    const blobs = await readdir(join(image.layoutPath, 'blobs', 'sha256'));
    expect(blobs.sort()).toEqual(descriptors.map((d) => d.digest.slice(7)).sort());
  });

  it('uses the OCI media types and points the config at the layer', async () => {
    const index = JSON.parse(await readFile(join(image.layoutPath, 'index.json'), 'utf8'));
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].digest).toBe(image.manifestDigest);
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('v3');
    const manifest = await readBlobJson(image, image.manifestDigest);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.config.digest).toBe(image.configDigest);
    expect(manifest.layers).toEqual([
      expect.objectContaining({
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: image.layerDigest,
      }),
    ]);
    const config = await readBlobJson(image, image.configDigest);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [image.layerDigest] });
    expect([config.architecture, config.os]).toEqual(['amd64', 'linux']);
    expect(config.created).toBe('2025-03-04T05:06:07Z');
  });

  it('annotates the manifest with the model, version, source and digest', async () => {
    const manifest = await readBlobJson(image, image.manifestDigest);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.title': 'silero-vad',
      'org.opencontainers.image.version': '3',
      'org.opencontainers.image.created': '2025-03-04T05:06:07Z',
      'org.opencontainers.image.source': 'https://github.com/acme/voice',
      'org.opencontainers.image.revision': 'c0ffee',
      'dev.envoy.model.name': 'silero-vad',
      'dev.envoy.model.digest': 'sha256:' + 'ab'.repeat(32),
    });
  });

  it('puts exactly the model files under models/ with fixed metadata', async () => {
    const hex = image.layerDigest.replace('sha256:', '');
    const entries = await listTar(join(image.layoutPath, 'blobs', 'sha256', hex));
    const fixed = { uid: 0, gid: 0, uname: '', gname: '', mtime: CREATED_EPOCH };
    expect(entries).toEqual([
      { name: 'models/', type: 'directory', mode: 0o755, bytes: 0, ...fixed },
      { name: 'models/config.json', type: 'file', mode: 0o644, bytes: 22, ...fixed },
      { name: 'models/model.onnx', type: 'file', mode: 0o644, bytes: 70_000, ...fixed },
      { name: 'models/tokenizer/', type: 'directory', mode: 0o755, bytes: 0, ...fixed },
      { name: 'models/tokenizer/vocab.txt', type: 'file', mode: 0o644, bytes: 4, ...fixed },
    ]);
  });

  it('gives the same image digest when built again elsewhere', async () => {
    const again = await build('second', {
      source: 'https://github.com/acme/voice',
      revision: 'c0ffee',
    });
    expect(again.layoutPath).not.toBe(image.layoutPath);
    expect(again.manifestDigest).toBe(image.manifestDigest);
    expect(again.layerDigest).toBe(image.layerDigest);
  });

  it('changes the image digest when the revision changes', async () => {
    const other = await build('third', { revision: 'deadbeef' });
    expect(other.manifestDigest).not.toBe(image.manifestDigest);
    expect(other.layerDigest).toBe(image.layerDigest);
  });

  it('writes a Containerfile beside the layout, not inside it', async () => {
    expect(image.containerfilePath).toBe(join(scratch, 'first', 'Containerfile'));
    const text = await readFile(image.containerfilePath, 'utf8');
    const layer = `oci/blobs/sha256/${image.layerDigest.slice(7)}`;
    expect(text).toContain('ARG SERVE_BASE\nFROM ${SERVE_BASE}\n');
    expect(text).toContain(`ADD ${layer} /\n`);
    expect(text).toContain('EXPOSE 8080\n');
    expect(text).toMatch(/^HEALTHCHECK .*\/v2\/health\/ready/m);
    expect(text).toMatch(/^CMD \[.*"--model-file","\/models\/model.onnx".*"--port","8080"\]$/m);
  });

  it('puts a single-file model at models/<file name>', async () => {
    const file = join(scratch, 'vad.onnx');
    await writeFile(file, 'not really onnx');
    const model = modelVersion([{ path: 'vad.onnx', bytes: 15 }]);
    const outputDir = join(scratch, 'single');
    const built = await buildImageLayout({ model, modelPath: file, outputDir }, new MemoryLog());
    const hex = built.layerDigest.replace('sha256:', '');
    const entries = await listTar(join(built.layoutPath, 'blobs', 'sha256', hex));
    expect(entries.map((entry) => entry.name)).toEqual(['models/', 'models/vad.onnx']);
  });

  it('tags the one manifest with every tag it is given', async () => {
    const built = await build('tagged', { extraTags: ['pr-42', 'v1.2.0'] });
    expect(built.tags).toEqual(['v3', 'pr-42', 'v1.2.0']);
    const index = JSON.parse(await readFile(join(built.layoutPath, 'index.json'), 'utf8'));
    expect(
      index.manifests.map((entry: { digest: string; annotations: Record<string, string> }) => [
        entry.annotations['org.opencontainers.image.ref.name'],
        entry.digest,
      ]),
    ).toEqual([
      ['v3', built.manifestDigest],
      ['pr-42', built.manifestDigest],
      ['v1.2.0', built.manifestDigest],
    ]);
  });

  it.each(['feature/#42', '-leading', ''])('refuses the invalid tag %j', async (tag) => {
    await expect(build(`bad-tag-${tag.length}`, { extraTags: [tag] })).rejects.toThrow(
      `"${tag}" is not a valid OCI tag`,
    );
  });

  it('refuses files that differ from the registered ones', async () => {
    const { path } = await folderModel('changed-model');
    await writeFile(join(path, 'extra.bin'), 'x');
    const model = modelVersion([{ path: 'model.onnx', bytes: 70_000 }]);
    const request = { model, modelPath: path, outputDir: join(scratch, 'changed') };
    await expect(buildImageLayout(request, new MemoryLog())).rejects.toThrow(
      /unregistered config\.json \(22 bytes\).*unregistered extra\.bin/,
    );
  });
});

describe('imageTag', () => {
  it('names the version', () => {
    expect(imageTag('silero-vad', 12)).toBe('v12');
  });

  it.each([0, -1, 1.5])('refuses version %s', (version) => {
    expect(() => imageTag('silero-vad', version)).toThrow(UserError);
  });
});

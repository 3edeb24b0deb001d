import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, type Log, type ModelVersion } from '@envoy/core';
import {
  MODEL_ROOT,
  listLayerEntries,
  writeLayer,
  type BlobDescriptor,
  type LayerEntry,
} from './layer.js';
import { writeContainerfile } from './containerfile.js';
import { imageTag } from './tag.js';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  /** Uncompressed: see the README for why. */
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** The folder under `outputDir` that holds the OCI image layout. */
export const LAYOUT_FOLDER = 'oci';

export interface ImageBuildRequest {
  model: ModelVersion;
  /** Absolute path of the model's file or folder; the caller has verified its digest. */
  modelPath: string;
  /** The layout goes to `<outputDir>/oci`, the Containerfile to `<outputDir>/Containerfile`. */
  outputDir: string;
  /** Repository URL, for `org.opencontainers.image.source`. */
  source?: string;
  /** Commit, for `org.opencontainers.image.revision`. */
  revision?: string;
  /** Image creation time; the version's `createdAt` when absent, so builds repeat exactly. */
  created?: string;
  /** More tags for the same manifest, e.g. from the git ref (`pr-42`, `v1.2.0`); must be valid. */
  extraTags?: string[];
}

export interface BuiltImage {
  layoutPath: string;
  /** `sha256:…` of the manifest: the image digest. */
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  containerfilePath: string;
  tags: string[];
}

/**
 * Builds an OCI image layout holding the model's files under `/models/`, without a
 * container daemon. The same model version always gives the same image digest.
 */
export async function buildImageLayout(request: ImageBuildRequest, log: Log): Promise<BuiltImage> {
  const { model } = request;
  const tags = [imageTag(model.model, model.version), ...checkTags(request.extraTags ?? [])];
  const created = creationTime(request);
  const layoutPath = join(request.outputDir, LAYOUT_FOLDER);
  await rm(layoutPath, { recursive: true, force: true });
  await mkdir(join(layoutPath, 'blobs', 'sha256'), { recursive: true });

  const entries = await listLayerEntries(request.modelPath);
  checkRegisteredFiles(entries, request);
  const layer = await writeLayerBlob(layoutPath, entries, new Date(created));
  log.debug(`buildImageLayout: layer ${layer.digest} (${layer.size} bytes)`);

  const annotations = imageAnnotations(request, created);
  const config = await writeJsonBlob(layoutPath, imageConfig(layer.digest, created, annotations));
  const manifest = await writeJsonBlob(layoutPath, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, ...config },
    layers: [{ mediaType: MEDIA_TYPES.layer, ...layer }],
    annotations,
  });
  await writeLayoutIndex(layoutPath, manifest, tags);

  const containerfilePath = await writeContainerfile(request.outputDir, {
    model: model.model,
    version: model.version,
    modelFile: servedFile(entries),
    layerBlob: `${LAYOUT_FOLDER}/blobs/sha256/${hexOf(layer.digest)}`,
  });
  log.info(`Built image ${model.model}:${tags.join(',')} ${manifest.digest} in ${layoutPath}`);
  return {
    layoutPath,
    manifestDigest: manifest.digest,
    configDigest: config.digest,
    layerDigest: layer.digest,
    containerfilePath,
    tags,
  };
}

function creationTime(request: ImageBuildRequest): string {
  const text = request.created ?? request.model.createdAt;
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new UserError(`model "${request.model.model}" has an invalid creation time "${text}"`);
  }
  return new Date(Math.floor(time / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function imageAnnotations(request: ImageBuildRequest, created: string): Record<string, string> {
  const { model } = request;
  return {
    'org.opencontainers.image.title': model.model,
    'org.opencontainers.image.version': String(model.version),
    'org.opencontainers.image.created': created,
    ...(request.source ? { 'org.opencontainers.image.source': request.source } : {}),
    ...(request.revision ? { 'org.opencontainers.image.revision': request.revision } : {}),
    'dev.envoy.model.name': model.model,
    'dev.envoy.model.digest': model.digest,
  };
}

function imageConfig(layerDigest: string, created: string, labels: Record<string, string>) {
  return {
    created,
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: labels },
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
    history: [{ created, created_by: 'envoy build-image: model files to /models/' }],
  };
}

/** Fails when the files on disk are not the ones registered (by relative path and size). */
function checkRegisteredFiles(entries: LayerEntry[], request: ImageBuildRequest): void {
  const registered = request.model.files.map((file) => `${file.path} (${file.bytes} bytes)`);
  if (registered.length === 0) return;
  const found = entries
    .filter((entry) => entry.type === 'file')
    .map((entry) => `${entry.archivePath.slice(MODEL_ROOT.length + 1)} (${entry.bytes} bytes)`);
  registered.sort();
  found.sort();
  const missing = registered.filter((file) => !found.includes(file));
  const extra = found.filter((file) => !registered.includes(file));
  if (missing.length === 0 && extra.length === 0) return;
  const { model, version } = request.model;
  throw new UserError(
    `${request.modelPath} does not hold the files registered for ${model} v${version}: ` +
      [...missing.map((file) => `missing ${file}`), ...extra.map((file) => `unregistered ${file}`)]
        .slice(0, 5)
        .join(', '),
  );
}

/** The file a serving container loads: the first `.onnx` file, else the first file. */
function servedFile(entries: LayerEntry[]): string {
  const files = entries.filter((entry) => entry.type === 'file');
  const chosen = files.find((entry) => entry.archivePath.endsWith('.onnx')) ?? files[0];
  if (!chosen) throw new UserError('the model folder holds no files');
  return `/${chosen.archivePath}`;
}

async function writeLayerBlob(
  layoutPath: string,
  entries: LayerEntry[],
  mtime: Date,
): Promise<BlobDescriptor> {
  const temporary = join(layoutPath, 'blobs', 'sha256', '.layer.tmp');
  const layer = await writeLayer(entries, temporary, mtime);
  await rename(temporary, blobPath(layoutPath, layer.digest));
  return layer;
}

async function writeJsonBlob(layoutPath: string, value: unknown): Promise<BlobDescriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(blobPath(layoutPath, digest), bytes);
  return { digest, size: bytes.length };
}

async function writeLayoutIndex(layoutPath: string, manifest: BlobDescriptor, tags: string[]) {
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [...new Set(tags)].map((tag) => ({
      mediaType: MEDIA_TYPES.manifest,
      ...manifest,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'org.opencontainers.image.ref.name': tag },
    })),
  };
  await writeFile(join(layoutPath, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(layoutPath, 'index.json'), JSON.stringify(index));
}

const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function checkTags(tags: string[]): string[] {
  for (const tag of tags) {
    if (!OCI_TAG.test(tag)) throw new UserError(`"${tag}" is not a valid OCI tag`);
  }
  return tags;
}

function blobPath(layoutPath: string, digest: string): string {
  return join(layoutPath, 'blobs', 'sha256', hexOf(digest));
}

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

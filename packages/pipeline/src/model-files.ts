import { cp, readdir, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError, type ModelVersion } from '@envoy/core';
import { computeModelDigest } from '@envoy/registry';
import type { StepContext } from './context.js';
import { outputPaths } from './context.js';

/** The path a version was registered from, under the workspace. */
export function sourcePath(root: string, version: ModelVersion): string {
  return isAbsolute(version.source) ? version.source : resolve(root, version.source);
}

/**
 * Keeps a copy of a version's files in the workspace's model store, named by digest, so that
 * the version can be built, benchmarked and deployed after its source path has moved on.
 */
export async function storeModelFiles(
  context: StepContext,
  version: ModelVersion,
  path: string,
): Promise<void> {
  const store = outputPaths.modelStore(context, version.digest);
  if (await exists(store)) return;
  const temporary = `${store}.${randomBytes(4).toString('hex')}.tmp`;
  const info = await stat(path);
  const target = info.isFile() ? join(temporary, basename(path)) : temporary;
  await cp(path, target, { recursive: true, mode: constants.COPYFILE_FICLONE });
  await rename(temporary, store).catch(async (error: NodeJS.ErrnoException) => {
    await rm(temporary, { recursive: true, force: true });
    if (!(await exists(store))) throw error;
  });
  context.log.debug(`storeModelFiles: ${version.model} v${version.version} kept in ${store}`);
}

/**
 * The path of a version's files, checked to hold exactly what was registered: the model store's
 * copy when this workspace has one, else the registered source. What is built, benchmarked and
 * deployed is therefore always the registered bytes.
 */
export async function verifyModelFiles(
  context: StepContext,
  version: ModelVersion,
): Promise<string> {
  const store = outputPaths.modelStore(context, version.digest);
  if ((await exists(store)) && (await digestOf(store)) === version.digest) return store;
  const path = sourcePath(context.root, version);
  const found = await digestOf(path);
  if (found === undefined) {
    throw new UserError(`${version.model} v${version.version}: its files are gone from ${path}`);
  }
  if (found !== version.digest) {
    throw new UserError(
      `${version.model} v${version.version}: ${path} now holds ${found}, not the registered ` +
        `${version.digest}, and this workspace keeps no copy of v${version.version}: ` +
        `restore the files, or register the new ones as a new version`,
    );
  }
  return path;
}

async function digestOf(path: string): Promise<string | undefined> {
  try {
    return (await computeModelDigest(path)).digest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The ONNX file a model path names: the file itself, or the only .onnx file in a folder. */
export async function onnxFileIn(path: string): Promise<string> {
  const info = await stat(path).catch(() => {
    throw new UserError(`model path ${path} does not exist`);
  });
  if (info.isFile()) {
    if (!path.endsWith('.onnx')) throw new UserError(`model file ${path} is not an .onnx file`);
    return path;
  }
  const onnxFiles = (await readdir(path)).filter((name) => name.endsWith('.onnx'));
  if (onnxFiles.length !== 1) {
    throw new UserError(
      `model folder ${path} must hold exactly one .onnx file, found ${onnxFiles.length}` +
        (onnxFiles.length ? `: ${onnxFiles.join(', ')}` : ''),
    );
  }
  return join(path, onnxFiles[0]!);
}

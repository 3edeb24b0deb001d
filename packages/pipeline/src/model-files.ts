import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError, type ModelVersion } from '@envoy/core';
import { computeModelDigest } from '@envoy/registry';

/** The path a version's files are read from: its registered source, under the workspace. */
export function sourcePath(root: string, version: ModelVersion): string {
  return isAbsolute(version.source) ? version.source : resolve(root, version.source);
}

/**
 * Checks that the files at a version's source still hold what was registered, so that what
 * is built, benchmarked and deployed is exactly what was registered.
 */
export async function verifyModelFiles(root: string, version: ModelVersion): Promise<string> {
  const path = sourcePath(root, version);
  const found = await computeModelDigest(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      throw new UserError(`${version.model} v${version.version}: its files are gone from ${path}`);
    }
    throw error;
  });
  if (found.digest !== version.digest) {
    throw new UserError(
      `${version.model} v${version.version}: ${path} now holds ${found.digest}, ` +
        `not the registered ${version.digest}; register it as a new version`,
    );
  }
  return path;
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

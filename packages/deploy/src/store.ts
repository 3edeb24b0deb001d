import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError, describeError, type ModelVersion } from '@envoy/core';

/** A model file copied where only deploys write, so a server never reads the user's tree. */
export interface StoredModel {
  /** `<stateDir>/models/<hex of the version's digest>/<file name>`. */
  path: string;
  /** `sha256:<hex>` of the copy's bytes, taken when it was stored. */
  sha256: string;
}

/**
 * Copies `modelFile` into the state dir's content-addressed store, keyed by the version's
 * digest: written to a temporary file beside it, checked, made read-only and renamed. A copy
 * already there is reused when it holds the same bytes as `modelFile`, and replaced otherwise.
 */
export async function storeModelCopy(
  stateDir: string,
  model: ModelVersion,
  modelFile: string,
): Promise<StoredModel> {
  const folder = join(stateDir, 'models', digestHex(model));
  const path = join(folder, basename(modelFile));
  const what = `${model.model} v${model.version}`;
  const sha256 = await fileSha256(modelFile).catch((error: unknown) => {
    throw new UserError(
      `${what}: cannot read the model file "${modelFile}": ${describeError(error)}`,
    );
  });
  if ((await exists(path)) && (await fileSha256(path)) === sha256) return { path, sha256 };

  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(modelFile, temporary);
    const copied = await fileSha256(temporary);
    if (copied !== sha256) {
      throw new Error(`it changed while being copied (${sha256}, then ${copied})`);
    }
    await chmod(temporary, 0o444);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UserError(
      `${what}: cannot copy "${modelFile}" to ${folder}: ${describeError(error)}`,
    );
  }
  return { path, sha256 };
}

/** Why a stored copy cannot be served as recorded, or undefined when its bytes are intact. */
export async function storedCopyProblem(path: string, sha256: string): Promise<string | undefined> {
  if (!(await exists(path))) return `its model copy ${path} is gone`;
  const actual = await fileSha256(path);
  if (actual !== sha256)
    return `its model copy ${path} holds ${actual}, not the recorded ${sha256}`;
  return undefined;
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function digestHex(model: ModelVersion): string {
  const hex = /^sha256:([0-9a-f]{64})$/i.exec(model.digest)?.[1];
  if (!hex) {
    throw new UserError(
      `${model.model} v${model.version}: digest "${model.digest}" is not sha256:<64 hex digits>`,
    );
  }
  return hex.toLowerCase();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

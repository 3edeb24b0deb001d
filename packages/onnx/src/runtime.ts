import { createRequire } from 'node:module';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { UserError, type Log, type ToolRunner } from '@envoy/core';

export type OnnxRuntime = typeof Ort;

/** The onnxruntime-node release Envoy installs when the runner has none. */
export const ONNXRUNTIME_VERSION = '1.30.0';

const MODULE_NAME = 'onnxruntime-node';

export interface RuntimeLocation {
  /** Directories searched for an installed onnxruntime-node, nearest first. */
  searchFrom: string[];
  /** Where to install it when none is found; undefined forbids installing. */
  installDirectory?: string;
}

/**
 * Loads ONNX Runtime. Its native binaries are large and platform-specific, so the action
 * bundles never carry them: an installed copy is used when one can be resolved (a
 * repository's node_modules, a tool cache), otherwise the pinned release is installed
 * with npm into `installDirectory`, where a GPU runner's npm also fetches the CUDA build.
 */
export async function loadOnnxRuntime(
  location: RuntimeLocation,
  tools: ToolRunner,
  log: Log,
): Promise<OnnxRuntime> {
  const candidates = [...location.searchFrom];
  if (location.installDirectory) candidates.push(location.installDirectory);
  const found = findOnnxRuntime(candidates);
  if (found) {
    log.debug(`loadOnnxRuntime: using ${found}`);
    return importRuntime(found);
  }
  if (!location.installDirectory) {
    throw new UserError(
      `${MODULE_NAME} is not installed: run "npm install ${MODULE_NAME}@${ONNXRUNTIME_VERSION}"`,
    );
  }
  return installRuntime(location.installDirectory, tools, log);
}

async function installRuntime(directory: string, tools: ToolRunner, log: Log) {
  log.info(`Installing ${MODULE_NAME}@${ONNXRUNTIME_VERSION} into ${directory}`);
  await tools.run('npm', [
    'install',
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--prefix',
    directory,
    `${MODULE_NAME}@${ONNXRUNTIME_VERSION}`,
  ]);
  const installed = findOnnxRuntime([directory]);
  if (!installed) throw new Error(`npm installed ${MODULE_NAME} but it cannot be resolved`);
  return importRuntime(installed);
}

/** The resolved path of an installed onnxruntime-node in one of `directories`, if any. */
export function findOnnxRuntime(directories: string[]): string | undefined {
  for (const directory of directories) {
    try {
      const require = createRequire(join(directory, 'noop.js'));
      const resolved = require.resolve(MODULE_NAME);
      if (existsSync(resolved)) return resolved;
    } catch {
      continue;
    }
  }
  return undefined;
}

async function importRuntime(resolvedPath: string): Promise<OnnxRuntime> {
  const require = createRequire(resolvedPath);
  return require(resolvedPath) as OnnxRuntime;
}

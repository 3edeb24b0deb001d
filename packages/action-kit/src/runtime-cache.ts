import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cache from '@actions/cache';
import type { Log, ToolRunner } from '@envoy/core';
import {
  findOnnxRuntime,
  loadOnnxRuntime,
  ONNXRUNTIME_VERSION,
  type OnnxRuntime,
} from '@envoy/onnx';

/**
 * Loads ONNX Runtime for an action. The bundles do not carry its native binaries: a copy
 * installed beside the workflow's checkout is used first; otherwise the pinned release is
 * restored from the Actions cache, or installed with npm and saved to the cache for the next
 * job on a runner of the same platform.
 */
export function cachedRuntimeLoader(
  searchFrom: string[],
  env: NodeJS.ProcessEnv,
  tools: ToolRunner,
  log: Log,
): () => Promise<OnnxRuntime> {
  const installDirectory = join(
    env.RUNNER_TOOL_CACHE || tmpdir(),
    'envoy-onnxruntime',
    ONNXRUNTIME_VERSION,
    `${platform()}-${arch()}`,
  );
  const key = `envoy-onnxruntime-${ONNXRUNTIME_VERSION}-${platform()}-${arch()}`;
  return async () => {
    if (findOnnxRuntime(searchFrom)) return loadOnnxRuntime({ searchFrom }, tools, log);
    const restored = await restore(installDirectory, key, log);
    const runtime = await loadOnnxRuntime({ searchFrom, installDirectory }, tools, log);
    if (!restored) await save(installDirectory, key, log);
    return runtime;
  };
}

async function restore(directory: string, key: string, log: Log): Promise<boolean> {
  if (!cache.isFeatureAvailable()) return false;
  try {
    return (await cache.restoreCache([directory], key)) !== undefined;
  } catch (error) {
    log.warning(`Could not restore ONNX Runtime from the cache: ${String(error)}`);
    return false;
  }
}

async function save(directory: string, key: string, log: Log): Promise<void> {
  if (!cache.isFeatureAvailable()) return;
  try {
    await cache.saveCache([directory], key);
  } catch (error) {
    log.debug(`cachedRuntimeLoader: not saved to the cache: ${String(error)}`);
  }
}

import { resolve } from 'node:path';
import { UserError, type Log, type ToolRunner } from '@envoy/core';
import type { RegistrySettings } from '@envoy/config';
import { GitRegistry } from './git.js';
import { LocalRegistry } from './local.js';
import type { Registry } from './types.js';

const DEFAULT_LOCAL_PATH = '.envoy/registry';

/** Opens the registry envoy.yaml describes; `backend` absent means `local`. */
export function openRegistry(
  settings: RegistrySettings,
  root: string,
  deps: { tools: ToolRunner; log: Log },
): Registry {
  const backend = settings.backend ?? 'local';
  if (backend === 'local') {
    return new LocalRegistry(resolve(root, settings.path || DEFAULT_LOCAL_PATH), deps.log);
  }
  if (backend === 'git') {
    return new GitRegistry({
      root,
      branch: settings.branch || undefined,
      remote: settings.remote || undefined,
      tools: deps.tools,
      log: deps.log,
    });
  }
  throw new UserError(
    `registry.backend ${JSON.stringify(backend)} is not known: use 'local' or 'git'`,
    { file: 'envoy.yaml', field: 'registry.backend' },
  );
}

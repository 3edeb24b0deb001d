import { UserError } from '@envoy/core';
import type {
  BenchmarkSettings,
  EnvoyConfig,
  HardwareTarget,
  ModelSettings,
  DeployTarget,
  RegistryBackend,
} from './types.js';

/** The model named `name`, or the only model when `name` is absent. */
export function selectModel(config: EnvoyConfig, name?: string): ModelSettings {
  if (!name) {
    if (config.models.length === 1) return config.models[0]!;
    throw new UserError(
      `${config.file}: several models are defined (${names(config.models)}): name one with --model`,
    );
  }
  return findNamed(config.models, name, 'model', config.file);
}

export function selectHardware(config: EnvoyConfig, name?: string): HardwareTarget {
  if (!name) return config.hardware[0]!;
  return findNamed(config.hardware, name, 'hardware target', config.file);
}

export function selectDeployTarget(config: EnvoyConfig, name?: string): DeployTarget {
  if (!name) {
    const first = config.deploy[0];
    if (!first) throw new UserError(`${config.file}: no deploy targets are defined`);
    return first;
  }
  return findNamed(config.deploy, name, 'deploy target', config.file);
}

/** A model's benchmark settings with a hardware target's overrides applied. */
export function benchmarkSettingsFor(
  model: ModelSettings,
  target: HardwareTarget,
): BenchmarkSettings {
  const overrides = target.benchmarkOverrides;
  return Object.keys(overrides).length === 0
    ? model.benchmark
    : { ...model.benchmark, ...overrides };
}

/** The registry backend in effect: as set, else git inside GitHub Actions and local elsewhere. */
export function effectiveRegistryBackend(
  config: EnvoyConfig,
  env: NodeJS.ProcessEnv,
): RegistryBackend {
  return config.registry.backend ?? (env.GITHUB_ACTIONS === 'true' ? 'git' : 'local');
}

function findNamed<T extends { name: string }>(
  items: T[],
  name: string,
  what: string,
  file: string,
): T {
  const found = items.find((item) => item.name === name);
  if (found) return found;
  throw new UserError(
    `${file || 'settings'}: no ${what} named "${name}" (defined: ${names(items)})`,
  );
}

function names(items: Array<{ name: string }>): string {
  return items.map((item) => item.name).join(', ') || 'none';
}

import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UserError, type Log, type ToolRunner } from '@envoy/core';
import {
  effectiveRegistryBackend,
  loadConfig,
  parseConfig,
  type EnvoyConfig,
  type RegistryBackend,
} from '@envoy/config';
import { openRegistry, type Registry } from '@envoy/registry';
import { loadOnnxRuntime, type OnnxRuntime } from '@envoy/onnx';
import type { GitHubContext } from '@envoy/github';

/** Everything a step needs from the outside world, passed in so tests can supply their own. */
export interface StepContext {
  config: EnvoyConfig;
  /** The workspace: paths in settings and outputs are relative to it. */
  root: string;
  env: NodeJS.ProcessEnv;
  tools: ToolRunner;
  log: Log;
  now: () => Date;
  github: GitHubContext;
  registry: Registry;
  loadRuntime: () => Promise<OnnxRuntime>;
  /** argv prefix that starts an inference server process (deploy appends its options). */
  serverCommand: string[];
}

export interface ContextOptions {
  /** envoy.yaml, relative to root. */
  configFile: string;
  /**
   * When envoy.yaml does not exist: the one model to work on, with embedded defaults. Without a
   * path, only steps that read registered versions can run.
   */
  defaultModel?: { name: string; path?: string };
  root: string;
  env: NodeJS.ProcessEnv;
  tools: ToolRunner;
  log: Log;
  github: GitHubContext;
  /** Folders to look for an installed onnxruntime-node in, nearest first. */
  runtimeSearch: string[];
  /** Where to install onnxruntime-node when none is found. */
  runtimeInstallDir?: string;
  serverCommand: string[];
  /** Overrides how ONNX Runtime is found, e.g. to restore it from a cache first. */
  loadRuntime?: () => Promise<OnnxRuntime>;
  /** Overrides the registry backend envoy.yaml chooses. */
  registryBackend?: RegistryBackend;
  now?: () => Date;
}

export async function createStepContext(options: ContextOptions): Promise<StepContext> {
  const config = await loadOrDefaultConfig(options);
  const backend = options.registryBackend ?? effectiveRegistryBackend(config, options.env);
  const registry = openRegistry({ ...config.registry, backend }, config.root, {
    tools: options.tools,
    log: options.log,
  });
  return {
    config,
    root: config.root,
    env: options.env,
    tools: options.tools,
    log: options.log,
    now: options.now ?? (() => new Date()),
    github: options.github,
    registry,
    loadRuntime:
      options.loadRuntime ??
      (() =>
        loadOnnxRuntime(
          { searchFrom: options.runtimeSearch, installDirectory: options.runtimeInstallDir },
          options.tools,
          options.log,
        )),
    serverCommand: options.serverCommand,
  };
}

async function loadOrDefaultConfig(options: ContextOptions): Promise<EnvoyConfig> {
  const file = resolve(options.root, options.configFile);
  if (existsSync(file)) return loadConfig(file);
  if (!options.defaultModel) {
    throw new UserError(
      `${options.configFile}: no such file: write one (Envoy's docs/setup.md shows how), or ` +
        `name the model and its files to work on embedded defaults (envoy --model NAME --path FILE)`,
      { file: options.configFile },
    );
  }
  options.log.info(`${options.configFile} not found: using embedded defaults`);
  const { name, path } = options.defaultModel;
  const text = `models:\n  - name: ${JSON.stringify(name)}\n    path: ${JSON.stringify(path ?? '(none)')}\n`;
  return { ...parseConfig('(embedded defaults)', text, options.root), file: '' };
}

/** Where a step writes what the next step reads, under the settings' output folder. */
export const outputPaths = {
  image: (context: StepContext, model: string, version: number) =>
    join(outputRoot(context), 'images', model, `v${version}`),
  results: (context: StepContext, model: string, version: number, target: string) =>
    join(outputRoot(context), 'results', model, `v${version}`, `${target}.json`),
  report: (context: StepContext, model: string, version: number, target: string) =>
    join(outputRoot(context), 'reports', model, `v${version}`, `${target}.md`),
  decision: (context: StepContext, model: string, version: number, target: string) =>
    join(outputRoot(context), 'reports', model, `v${version}`, `${target}.json`),
  deployments: (context: StepContext) => join(outputRoot(context), 'deployments'),
  modelStore: (context: StepContext, digest: string) =>
    join(outputRoot(context), 'models', digest.replace(/^sha256:/, '')),
};

/** A file as GitHub and reports name it: relative to the workspace when it lies inside. */
export function workspacePath(context: StepContext, file: string): string {
  if (!isAbsolute(file)) return file;
  const path = relative(context.root, file);
  return path.startsWith('..') ? file : path;
}

function outputRoot(context: StepContext): string {
  return resolve(context.root, context.config.outputDir);
}

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { ProcessToolRunner } from '@envoy/core';
import { createGitHubClient, readGitHubContext, type GitHubClient } from '@envoy/github';
import { createStepContext, type StepContext } from '@envoy/pipeline';
import { ActionsLog } from './log.js';
import { choiceInput, optionalInput } from './inputs.js';
import { cachedRuntimeLoader } from './runtime-cache.js';

/** Inputs every action shares. */
export const COMMON_INPUTS = {
  config: 'config',
  registry: 'registry',
} as const;

export interface ActionContext {
  step: StepContext;
  /** A GitHub API client when a token is available. */
  api?: GitHubClient;
}

/**
 * Builds what a step needs inside an Actions job. `bundleUrl` is the running bundle's
 * `import.meta.url`: ONNX Runtime and the inference server are found relative to it.
 */
export async function createActionContext(
  bundleUrl: string,
  githubToken?: string,
): Promise<ActionContext> {
  const env = process.env;
  const log = new ActionsLog();
  const tools = new ProcessToolRunner(log);
  const bundleDir = dirname(fileURLToPath(bundleUrl));
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const searchFrom = [bundleDir, workspace];
  const step = await createStepContext({
    configFile: optionalInput(COMMON_INPUTS.config) ?? 'envoy.yaml',
    root: workspace,
    env,
    tools,
    log,
    github: readGitHubContext(env),
    runtimeSearch: searchFrom,
    loadRuntime: cachedRuntimeLoader(searchFrom, env, tools, log),
    registryBackend: choiceInput(COMMON_INPUTS.registry, ['local', 'git'] as const),
    serverCommand: [process.execPath, join(bundleDir, 'serve', 'index.js')],
  });
  return { step, api: githubToken ? githubApi(step, githubToken, log) : undefined };
}

function githubApi(step: StepContext, token: string, log: ActionsLog): GitHubClient | undefined {
  if (!step.github.repository) return undefined;
  return createGitHubClient({ token, apiUrl: step.github.apiUrl, log });
}

/** Sets each output; booleans and numbers are written as text. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, String(value));
  }
}

/** Appends Markdown to the job's step summary, when the runner provides one. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

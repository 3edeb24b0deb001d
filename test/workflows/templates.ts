// The workflow templates under workflows-templates/, read once for the tests beside this file.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TEMPLATES_DIR = join(ROOT, 'workflows-templates');
export const STARTERS_DIR = join(TEMPLATES_DIR, 'starters');

/** The names of the three templates, each a reusable workflow with a starter. */
export const TEMPLATE_NAMES = ['model-pr', 'model-release', 'model-rebenchmark'] as const;

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on'?: string | string[];
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  strategy?: { matrix?: unknown };
  concurrency?: unknown;
  environment?: unknown;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

export interface WorkflowFile {
  /** Path relative to the repository root, for messages. */
  path: string;
  text: string;
  workflow: Workflow;
}

function readWorkflow(path: string): WorkflowFile {
  const text = readFileSync(path, 'utf8');
  return { path: relative(ROOT, path), text, workflow: load(text) as Workflow };
}

/** Every workflow file: the reusable templates, then the starters. */
export function allWorkflowFiles(): WorkflowFile[] {
  const reusable = readdirSync(TEMPLATES_DIR).filter((name) => name.endsWith('.yml'));
  const starters = readdirSync(STARTERS_DIR).filter((name) => name.endsWith('.yml'));
  return [
    ...reusable.map((name) => readWorkflow(join(TEMPLATES_DIR, name))),
    ...starters.map((name) => readWorkflow(join(STARTERS_DIR, name))),
  ];
}

export function reusableTemplate(name: string): WorkflowFile {
  return readWorkflow(join(TEMPLATES_DIR, `${name}.yml`));
}

export function starterWorkflow(name: string): WorkflowFile {
  return readWorkflow(join(STARTERS_DIR, `${name}.yml`));
}

import type { GitHubClient } from './client.js';
import { fitMarkdown } from './limits.js';

/** The Checks API takes at most this many annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface GateAnnotation {
  /** Relative to the repository root, e.g. `envoy.yaml`. */
  path: string;
  line: number;
  message: string;
  level?: 'failure' | 'warning' | 'notice';
}

export interface GateCheckRunArgs {
  owner: string;
  repo: string;
  headSha: string;
  model: string;
  target: string;
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  /** The markdown report. */
  summary: string;
  /** Usually the envoy.yaml lines of the rules that failed. */
  annotations: GateAnnotation[];
}

export function gateCheckName(model: string, target: string): string {
  return `envoy gate: ${model} on ${target}`;
}

/**
 * Creates a completed check run for one gate decision. The first 50 annotations go with the
 * create call; the rest follow in update calls of 50 each, which GitHub appends.
 */
export async function createGateCheckRun(
  client: GitHubClient,
  args: GateCheckRunArgs,
): Promise<{ id: number; url: string }> {
  const { owner, repo, title } = args;
  const summary = fitMarkdown(args.summary);
  const [first = [], ...rest] = batches(args.annotations.map(toCheckAnnotation));

  const { data } = await client.rest.checks.create({
    owner,
    repo,
    name: gateCheckName(args.model, args.target),
    head_sha: args.headSha,
    status: 'completed',
    conclusion: args.conclusion,
    output: { title, summary, annotations: first },
  });
  for (const annotations of rest) {
    await client.rest.checks.update({
      owner,
      repo,
      check_run_id: data.id,
      output: { title, summary, annotations },
    });
  }
  return { id: data.id, url: data.html_url ?? data.url };
}

function toCheckAnnotation(annotation: GateAnnotation) {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: annotation.level ?? 'failure',
    message: annotation.message,
  };
}

function batches<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += ANNOTATIONS_PER_REQUEST) {
    result.push(items.slice(start, start + ANNOTATIONS_PER_REQUEST));
  }
  return result;
}

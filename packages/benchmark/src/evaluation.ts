import {
  lastLines,
  ProcessToolRunner,
  ToolMissingError,
  ToolTimeoutError,
  UserError,
  type Direction,
  type Log,
  type Metric,
  type ToolRunner,
} from '@envoy/core';
import type { EvaluationSettings } from '@envoy/config';

const DIRECTIONS: readonly Direction[] = ['smaller-is-better', 'bigger-is-better'];

/** How much of a failed evaluation's stderr is quoted: lines from the end, and characters. */
const STDERR_QUOTE_LINES = 15;
const STDERR_QUOTE_CHARS = 2000;

/**
 * Runs the user's evaluation command (argv, no shell, `{model}` replaced by the model
 * file's path) in `root`, and reads the metrics from the last line of its standard output
 * that is a JSON object.
 */
export async function runEvaluation(
  evaluation: EvaluationSettings,
  modelFile: string,
  root: string,
  log: Log,
  tools: ToolRunner = new ProcessToolRunner(log),
): Promise<Record<string, Metric>> {
  const [tool, ...args] = evaluation.command.map((word) => word.replaceAll('{model}', modelFile));
  if (!tool) throw new UserError('evaluation.command is empty: give the argv of a command');
  const timeoutMs = evaluation.timeoutSeconds * 1000;
  log.info(`Evaluating with ${[tool, ...args].join(' ')}`);
  const output = await tools
    .run(tool, args, { cwd: root, timeoutMs, allowFailure: true })
    .catch((error: unknown) => {
      if (error instanceof ToolMissingError) {
        throw new UserError(`evaluation.command: "${tool}" is not installed or not on PATH`);
      }
      if (!(error instanceof ToolTimeoutError)) throw error;
      const how = `timed out after ${evaluation.timeoutSeconds} s`;
      throw new UserError(`evaluation.command "${tool}" ${how}${quoteStderr(error.output.stderr)}`);
    });
  if (output.exitCode !== 0) {
    const how = `exited with ${output.exitCode}`;
    throw new UserError(`evaluation.command "${tool}" ${how}${quoteStderr(output.stderr)}`);
  }
  return parseEvaluationOutput(output.stdout, { command: tool, log });
}

/**
 * The useful end of a failed command's stderr, after a colon: from the first line naming an
 * error (a Node "Error: Cannot find module", a Python "Traceback") or the last 15 lines,
 * whichever starts earlier, cut in the middle to about 2000 characters.
 */
function quoteStderr(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  const lastFew = Math.max(0, lines.length - STDERR_QUOTE_LINES);
  const firstError = lines.findIndex((line) => /Error|Exception|Traceback/.test(line));
  const text = lines.slice(firstError >= 0 ? Math.min(firstError, lastFew) : lastFew).join('\n');
  if (!text) return ' and printed nothing on standard error';
  if (text.length <= STDERR_QUOTE_CHARS) return `: ${text}`;
  const half = STDERR_QUOTE_CHARS / 2;
  const leftOut = text.length - 2 * half;
  return `: ${text.slice(0, half)}\n[${leftOut} characters left out]\n${text.slice(-half)}`;
}

/** Where evaluation output came from, for messages; and where to warn about it. */
export interface EvaluationSource {
  /** The evaluation command's program, named in errors. */
  command?: string;
  log?: Log;
}

/**
 * Metrics from the last stdout line that parses as a JSON object. A metric printed as `null`
 * (or `{"value": null}`) is left out, with a warning: a gate rule on it then fails as missing.
 * NaN, Infinity and numbers too large for a double are refused.
 */
export function parseEvaluationOutput(
  stdout: string,
  source: EvaluationSource = {},
): Record<string, Metric> {
  const who = source.command ? `evaluation.command "${source.command}"` : 'evaluation.command';
  const report = lastJsonObject(stdout, who);
  const metrics: Record<string, Metric> = {};
  for (const [name, value] of Object.entries(report)) {
    const metric = evaluationMetric(name, value, who);
    if (metric) metrics[name] = metric;
    else {
      source.log?.warning(
        `evaluation metric "${name}" is null: left out of the results, so a gate rule on it ` +
          'fails as missing',
      );
    }
  }
  return metrics;
}

/** JavaScript's words for numbers JSON has no way to write. */
const NOT_JSON_NUMBER = /(?<![\w"])(-?Infinity|NaN)(?![\w"])/;

function lastJsonObject(text: string, who: string): Record<string, unknown> {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of [...lines].reverse()) {
    if (!line.startsWith('{')) continue;
    const value = parseJson(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    const word = NOT_JSON_NUMBER.exec(line)?.[1];
    if (value === undefined && word) {
      throw new UserError(
        `${who} printed ${JSON.stringify(line)}: ${word} is not JSON: print null or leave ` +
          'the metric out',
      );
    }
  }
  const last = lines.at(-1) ?? '';
  if (last.startsWith('{')) {
    throw new UserError(
      `${who}: the last line of its standard output is not valid JSON: ${JSON.stringify(last)}`,
    );
  }
  throw new UserError(
    `${who} printed no JSON object on standard output (one line such as ` +
      `{"f1": 0.91}); its last lines were: ${JSON.stringify(lastLines(text))}`,
  );
}

/** The parsed value, or undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A number, or `{ "value": n, "unit": "...", "direction": "smaller-is-better" }`; undefined
 * for a metric printed without a value (null).
 */
function evaluationMetric(name: string, reported: unknown, who: string): Metric | undefined {
  if (reported === null) return undefined;
  const wrapped = typeof reported === 'number' ? { value: reported } : reported;
  const fields = (wrapped ?? {}) as Record<string, unknown>;
  const { value, unit = '', direction = 'bigger-is-better' } = fields;
  const shaped = typeof reported === 'number' || typeof reported === 'object';
  if (shaped && value === null) return undefined;
  const valid =
    shaped &&
    typeof value === 'number' &&
    typeof unit === 'string' &&
    DIRECTIONS.includes(direction as Direction);
  if (!valid) {
    throw new UserError(
      `evaluation metric "${name}" is ${JSON.stringify(reported)}: expected a number or ` +
        `{"value": <number>, "unit": "<text>", "direction": "${DIRECTIONS.join('" | "')}"}`,
    );
  }
  if (!Number.isFinite(value)) {
    throw new UserError(
      `evaluation metric "${name}" is ${value}, not a finite number (JSON numbers beyond ` +
        `±1.8e308 read as infinite): ${who} must print a finite number, or null to leave ` +
        'the metric out',
    );
  }
  return { value, unit, direction: direction as Direction, source: 'evaluation' };
}

/** Adds evaluation metrics to measured ones; a name both use is refused, never overwritten. */
export function mergeEvaluationMetrics(
  measured: Record<string, Metric>,
  evaluation: Record<string, Metric>,
): Record<string, Metric> {
  const clashes = Object.keys(evaluation).filter((name) => name in measured);
  if (clashes.length > 0) {
    throw new UserError(
      `evaluation.command reports ${clashes.map((name) => `"${name}"`).join(', ')}, ` +
        'which the benchmark measured: rename the evaluation metric',
    );
  }
  return { ...measured, ...evaluation };
}

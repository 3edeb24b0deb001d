import {
  lastLines,
  ProcessToolRunner,
  ToolMissingError,
  UserError,
  type Direction,
  type Log,
  type Metric,
  type ToolRunner,
} from '@envoy/core';
import type { EvaluationSettings } from '@envoy/config';

const DIRECTIONS: readonly Direction[] = ['smaller-is-better', 'bigger-is-better'];

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
  const startedAt = performance.now();
  log.info(`Evaluating with ${[tool, ...args].join(' ')}`);
  const output = await tools
    .run(tool, args, { cwd: root, timeoutMs, allowFailure: true })
    .catch((error: unknown) => {
      if (!(error instanceof ToolMissingError)) throw error;
      throw new UserError(`evaluation.command: "${tool}" is not installed or not on PATH`);
    });
  if (output.exitCode !== 0) {
    const timedOut = performance.now() - startedAt >= timeoutMs;
    const how = timedOut
      ? `timed out after ${evaluation.timeoutSeconds} s`
      : `exited with ${output.exitCode}`;
    throw new UserError(`evaluation.command "${tool}" ${how}: ${lastLines(output.stderr)}`);
  }
  return parseEvaluationOutput(output.stdout);
}

/** Metrics from the last stdout line that parses as a JSON object. */
export function parseEvaluationOutput(stdout: string): Record<string, Metric> {
  const report = lastJsonObject(stdout);
  if (!report) {
    throw new UserError(
      'evaluation.command printed no JSON object on standard output (one line such as ' +
        `{"f1": 0.91}); its last lines were: ${JSON.stringify(lastLines(stdout))}`,
    );
  }
  return Object.fromEntries(
    Object.entries(report).map(([name, value]) => [name, evaluationMetric(name, value)]),
  );
}

function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const lines = text.split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
    } catch {
      continue;
    }
  }
  return undefined;
}

/** A number, or `{ "value": n, "unit": "...", "direction": "smaller-is-better" }`. */
function evaluationMetric(name: string, reported: unknown): Metric {
  if (typeof reported === 'number') {
    return { value: reported, unit: '', direction: 'bigger-is-better', source: 'evaluation' };
  }
  const fields = (reported ?? {}) as Record<string, unknown>;
  const { value, unit = '', direction = 'bigger-is-better' } = fields;
  const valid =
    typeof reported === 'object' &&
    typeof value === 'number' &&
    typeof unit === 'string' &&
    DIRECTIONS.includes(direction as Direction);
  if (!valid) {
    throw new UserError(
      `evaluation metric "${name}" is ${JSON.stringify(reported)}: expected a number or ` +
        `{"value": <number>, "unit": "<text>", "direction": "${DIRECTIONS.join('" | "')}"}`,
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

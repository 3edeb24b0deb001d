import type { ComparisonOperator, GateRule, Position, RuleThreshold } from './types.js';

const OPERATORS: readonly ComparisonOperator[] = ['<=', '>=', '==', '!=', '<', '>'];
const METRIC = /^[A-Za-z_][\w.@=-]*$/;
const RULE = /^\s*(\S+)\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$/;
const BASELINE = /^baseline(?:\s*([*+-])\s*(.+))?$/;

/** The result of parsing one rule: the rule, or why it is not one. */
export type RuleParse = { rule: GateRule } | { error: string };

/**
 * Parses a gate rule such as `latency_p99_ms <= 5` or `f1 >= baseline - 0.01`.
 * The grammar: `<metric> <op> <number>` or `<metric> <op> baseline [(*|+|-) <number>]`.
 */
export function parseGateRule(text: string, position?: Position): RuleParse {
  const match = RULE.exec(text);
  if (!match) {
    return { error: `expected "<metric> <op> <threshold>" with op one of ${OPERATORS.join(' ')}` };
  }
  const [, metric = '', operator = '', right = ''] = match;
  if (!METRIC.test(metric)) return { error: `"${metric}" is not a metric name` };
  if (metric === 'baseline') {
    return { error: 'baseline is not a metric name: it goes on the right, e.g. "f1 >= baseline"' };
  }
  const threshold = parseThreshold(right);
  if ('error' in threshold) return threshold;
  return {
    rule: {
      text: text.trim(),
      metric,
      operator: operator as ComparisonOperator,
      threshold,
      ...(position ? { position } : {}),
    },
  };
}

function parseThreshold(text: string): RuleThreshold | { error: string } {
  const baseline = BASELINE.exec(text);
  if (baseline) {
    const [, operator, operandText] = baseline;
    if (!operator) return { kind: 'baseline', operator: 'none', operand: 0 };
    const operand = parseNumber(operandText ?? '');
    if (operand === undefined)
      return { error: `"${operandText}" after "baseline ${operator}" is not a number` };
    if (!Number.isFinite(operand)) {
      return { error: `"${operandText}" after "baseline ${operator}" is too large a number` };
    }
    return { kind: 'baseline', operator: operator as '*' | '+' | '-', operand };
  }
  const value = parseNumber(text);
  if (value === undefined) {
    return { error: `threshold "${text}" is neither a number nor "baseline [*|+|- number]"` };
  }
  if (!Number.isFinite(value)) return { error: `threshold "${text}" is too large a number` };
  return { kind: 'absolute', value };
}

function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text.trim())) return undefined;
  return Number(text);
}

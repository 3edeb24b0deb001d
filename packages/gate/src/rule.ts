import type { BenchmarkResults, Metric } from '@envoy/core';
import type { ComparisonOperator, GateRule, RuleThreshold } from '@envoy/config';
import type { BaselineState } from './baseline.js';
import { formatNumber } from './format-number.js';
import type { RuleOutcome } from './types.js';

/** Values this close (relative) count as equal, so rounding in `baseline * 1.1` decides nothing. */
const RELATIVE_TOLERANCE = 1e-9;

/** A rule's outcome, and whether noise in a measurement could have decided it. */
export interface JudgedRule {
  outcome: RuleOutcome;
  decidedByMeasurement: boolean;
}

/** Checks one rule against the results; missing or non-finite numbers fail it. */
export function judgeRule(
  rule: GateRule,
  results: BenchmarkResults,
  state: BaselineState,
): JudgedRule {
  const metric = findMetric(results, rule.metric);
  if (!metric) {
    const known = Object.keys(results.metrics).sort().join(', ') || 'none';
    return failed(rule, `metric ${rule.metric} is not in the results (they have: ${known})`);
  }
  const actual = metric.value;
  if (!Number.isFinite(actual)) {
    return failed(rule, `metric ${rule.metric} is ${formatNumber(actual)}, not a finite number`, {
      actual,
    });
  }
  const baselineMetric =
    state.kind === 'usable' ? findMetric(state.results, rule.metric) : undefined;
  const baseline =
    baselineMetric && Number.isFinite(baselineMetric.value) ? baselineMetric.value : undefined;
  const compared = {
    actual,
    ...(baseline === undefined ? {} : { baseline, ratio: ratioOf(actual, baseline) }),
  };
  const threshold = resolveThreshold(rule, state, baselineMetric);
  if ('skip' in threshold) {
    return {
      outcome: { rule, passed: true, skipped: true, actual, reason: threshold.skip },
      decidedByMeasurement: false,
    };
  }
  if ('failure' in threshold) return failed(rule, threshold.failure, compared);
  const passed = compare(actual, rule.operator, threshold.value);
  const reason = describeComparison(rule, metric, threshold.value, passed, state, baseline);
  return {
    outcome: { rule, passed, threshold: threshold.value, ...compared, reason },
    decidedByMeasurement: metric.source === 'measured',
  };
}

function failed(rule: GateRule, reason: string, numbers: Partial<RuleOutcome> = {}): JudgedRule {
  return { outcome: { rule, passed: false, ...numbers, reason }, decidedByMeasurement: false };
}

function findMetric(results: BenchmarkResults, name: string): Metric | undefined {
  return Object.hasOwn(results.metrics, name) ? results.metrics[name] : undefined;
}

type Threshold = { value: number } | { skip: string } | { failure: string };

function resolveThreshold(
  rule: GateRule,
  state: BaselineState,
  baseline: Metric | undefined,
): Threshold {
  const { threshold } = rule;
  if (threshold.kind === 'absolute') {
    return Number.isFinite(threshold.value)
      ? { value: threshold.value }
      : { failure: `threshold ${formatNumber(threshold.value)} is not a finite number` };
  }
  if (state.kind === 'none')
    return { skip: 'skipped: this is the first version, so there is no baseline to compare with' };
  if (state.kind === 'unusable') return { failure: state.reason };
  if (!baseline)
    return { failure: `baseline version ${state.version} has no metric ${rule.metric}` };
  if (!Number.isFinite(baseline.value)) {
    return {
      failure: `metric ${rule.metric} of baseline version ${state.version} is ${formatNumber(baseline.value)}, not a finite number`,
    };
  }
  const value = applyThreshold(threshold, baseline.value);
  return Number.isFinite(value)
    ? { value }
    : { failure: `threshold ${describeThreshold(threshold)} is ${formatNumber(value)}` };
}

function applyThreshold(
  threshold: Extract<RuleThreshold, { kind: 'baseline' }>,
  baseline: number,
): number {
  switch (threshold.operator) {
    case '*':
      return baseline * threshold.operand;
    case '+':
      return baseline + threshold.operand;
    case '-':
      return baseline - threshold.operand;
    case 'none':
      return baseline;
  }
}

/** actual / baseline; a zero baseline gives ∞ (−∞ for a negative actual), never NaN. */
export function ratioOf(actual: number, baseline: number): number {
  if (baseline === 0) return actual < 0 ? -Infinity : Infinity;
  return actual / baseline;
}

/** Compares with a small relative tolerance: values within it are equal. */
export function compare(actual: number, operator: ComparisonOperator, threshold: number): boolean {
  const equal =
    Math.abs(actual - threshold) <=
    RELATIVE_TOLERANCE * Math.max(1, Math.abs(actual), Math.abs(threshold));
  switch (operator) {
    case '<':
      return actual < threshold && !equal;
    case '<=':
      return actual < threshold || equal;
    case '>':
      return actual > threshold && !equal;
    case '>=':
      return actual > threshold || equal;
    case '==':
      return equal;
    case '!=':
      return !equal;
  }
}

function describeThreshold(threshold: RuleThreshold): string {
  if (threshold.kind === 'absolute') return formatNumber(threshold.value);
  if (threshold.operator === 'none') return 'baseline';
  const operator = threshold.operator === '*' ? '×' : threshold.operator;
  return `baseline ${operator} ${formatNumber(threshold.operand)}`;
}

function describeComparison(
  rule: GateRule,
  metric: Metric,
  threshold: number,
  passed: boolean,
  state: BaselineState,
  baseline: number | undefined,
): string {
  const unit = metric.unit ? ` ${metric.unit}` : '';
  const verb = passed ? 'is' : 'is not';
  let text = `${rule.metric} = ${formatNumber(metric.value)}${unit}, which ${verb} ${rule.operator} ${formatNumber(threshold)}${unit}`;
  if (rule.threshold.kind === 'baseline' && state.kind === 'usable' && baseline !== undefined) {
    text += ` (${describeThreshold(rule.threshold)}, with baseline version ${state.version} at ${formatNumber(baseline)}${unit})`;
  }
  return text;
}

import { UserError, type BenchmarkResults } from '@envoy/core';
import type { GateRule } from '@envoy/config';
import { baselineState, type BaselineState } from './baseline.js';
import { formatNumber } from './format-number.js';
import { judgeRule, type JudgedRule } from './rule.js';
import type { Baseline, GateDecision, Verdict } from './types.js';

export interface GateInput {
  rules: GateRule[];
  results: BenchmarkResults;
  /** The production version to compare with; undefined for a model's first version. */
  baseline?: Baseline;
}

/**
 * Decides whether a version passes its gate. Fails closed: a missing or non-finite metric,
 * or a baseline from another hardware class, fails the rules that need it. When the
 * measurements were unstable and a measured metric would decide, the verdict is `unstable`
 * unless something noise cannot explain (an evaluation metric, a missing metric) failed.
 */
export function evaluateGate(input: GateInput): GateDecision {
  const { rules, results } = input;
  const state = baselineState(input.baseline, results);
  const judged = rules.map((rule) => judgeRule(rule, results, state));
  const verdict = decideVerdict(judged, results);
  const notes = [...ruleNotes(judged, state, results), ...stabilityNotes(verdict, results, state)];
  const baselineResults = input.baseline?.results;
  return {
    verdict,
    outcomes: judged.map(({ outcome }) => outcome),
    ...(input.baseline && baselineResults
      ? {
          baseline: {
            version: input.baseline.version,
            hardwareClass: baselineResults.hardware.class,
          },
        }
      : {}),
    notes,
  };
}

function decideVerdict(judged: JudgedRule[], results: BenchmarkResults): Verdict {
  const failedForSure = judged.some((rule) => !rule.outcome.passed && !rule.decidedByMeasurement);
  if (failedForSure) return 'failed';
  if (results.stability?.stable === false && judged.some((rule) => rule.decidedByMeasurement)) {
    return 'unstable';
  }
  return judged.every((rule) => rule.outcome.passed) ? 'passed' : 'failed';
}

function ruleNotes(
  judged: JudgedRule[],
  state: BaselineState,
  results: BenchmarkResults,
): string[] {
  if (judged.length === 0) return ['no gate rules: nothing was checked'];
  const notes: string[] = [];
  const skipped = judged.filter((rule) => rule.outcome.skipped).length;
  if (state.kind === 'none' && skipped > 0) {
    notes.push(
      `no production version of ${results.model} yet: this first version is judged on its absolute rules only, ` +
        `and ${skipped} relative rule${skipped === 1 ? ' was' : 's were'} skipped`,
    );
    if (skipped === judged.length)
      notes.push('every rule compares with a baseline, so nothing was checked');
  }
  if (state.kind === 'unusable') notes.push(`every relative rule fails: ${state.reason}`);
  return notes;
}

function stabilityNotes(
  verdict: Verdict,
  results: BenchmarkResults,
  state: BaselineState,
): string[] {
  const notes: string[] = [];
  const stability = results.stability;
  if (stability?.stable === false) {
    const spread = `coefficient of variation ${formatNumber(stability.coefficientOfVariation)} is above the limit ${formatNumber(stability.maxCoefficientOfVariation)}`;
    notes.push(
      verdict === 'unstable'
        ? `the measurements were unstable (${spread}): rules on measured metrics cannot decide; rerun the benchmark on quieter hardware`
        : `the measurements were unstable (${spread}), but a rule failed for a reason noise cannot explain`,
    );
  }
  if (state.kind === 'usable' && state.results.stability?.stable === false) {
    notes.push(`the baseline results of version ${state.version} were unstable too`);
  }
  return notes;
}

/**
 * Refuses results that are not the version being gated: a results file from another model,
 * version or build must never pass a gate in its place.
 */
export function checkResultsAreFor(
  results: BenchmarkResults,
  expected: { model: string; version: number; digest?: string },
  file: string,
): void {
  const digestMatches = expected.digest === undefined || expected.digest === results.digest;
  if (results.model === expected.model && results.version === expected.version && digestMatches)
    return;
  const wanted = `${expected.model} v${expected.version}${expected.digest ? ` (${expected.digest})` : ''}`;
  throw new UserError(
    `${file} holds results for ${results.model} v${results.version} (${results.digest}), not ${wanted}`,
    { file },
  );
}

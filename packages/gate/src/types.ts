import type { BenchmarkResults } from '@envoy/core';
import type { GateRule } from '@envoy/config';

export type Verdict = 'passed' | 'failed' | 'unstable';

/** How one rule ended. */
export interface RuleOutcome {
  rule: GateRule;
  /** True also for a skipped rule: a skip never blocks. */
  passed: boolean;
  /** A relative rule on a model's first version, which has no baseline to compare with. */
  skipped?: boolean;
  actual?: number;
  threshold?: number;
  /** The same metric in the baseline results, where they have it. */
  baseline?: number;
  /** actual / baseline; ∞ (−∞ for a negative actual) when the baseline is 0, never NaN. */
  ratio?: number;
  reason: string;
}

/** The production version a candidate is compared with. */
export interface Baseline {
  version: number;
  /** Its results on the candidate's hardware class; undefined when it has none there. */
  results?: BenchmarkResults;
  /** Hardware classes it does have results on, named when `results` is missing. */
  otherClasses?: string[];
}

export interface GateDecision {
  verdict: Verdict;
  outcomes: RuleOutcome[];
  /** The baseline results compared with, when there were any. */
  baseline?: { version: number; hardwareClass: string };
  notes: string[];
}

export type { Verdict, RuleOutcome, Baseline, GateDecision } from './types.js';
export { evaluateGate, checkResultsAreFor, type GateInput } from './evaluate.js';
export { renderGateReport, reportDigest, type ReportContext } from './report.js';
export { formatNumber } from './format-number.js';
export { compare, ratioOf } from './rule.js';

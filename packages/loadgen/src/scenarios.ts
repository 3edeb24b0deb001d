import { UserError } from '@envoy/core';
import { runLoad } from './load.js';
import { totalErrors } from './outcome.js';
import { requirePositive } from './target.js';
import type { LoadOptions, LoadReport } from './types.js';

export type ScenarioOptions = Omit<LoadOptions, 'mode'>;

export interface LatencyBound {
  p99Ms: number;
  startRate: number;
  maxRate?: number;
}

export interface ServerScenarioResult {
  /** The highest rate that met the bound; 0 when none did. */
  rate: number;
  /** The run at `rate`, or the lowest-rate run when none met the bound. */
  report: LoadReport;
  /** Every run, in the order tried. */
  tried: LoadReport[];
}

/** Most doublings of the rate before giving up on finding one that breaks the bound. */
export const MAX_DOUBLINGS = 10;
/** Most bisection steps between the last rate that held and the first that broke. */
export const MAX_BISECTIONS = 5;
/** Bisection stops once the bracket is narrower than this share of its upper end. */
const RESOLUTION = 0.05;
/** A run with more failed requests than this share does not meet any bound. */
const MAX_ERROR_SHARE = 0.01;

/** Closed loop with one request at a time: the latency a lone user sees (headline p90). */
export function runSingleStream(options: ScenarioOptions): Promise<LoadReport> {
  return runLoad({ ...options, mode: { kind: 'closed', concurrency: 1 } });
}

/** Closed loop at `concurrency`, for throughput. */
export function runOffline(options: ScenarioOptions, concurrency: number): Promise<LoadReport> {
  return runLoad({ ...options, mode: { kind: 'closed', concurrency } });
}

/** One closed-loop run per concurrency level, in the order given. */
export async function runConcurrencySweep(
  options: ScenarioOptions,
  levels: number[],
): Promise<LoadReport[]> {
  if (levels.length === 0)
    throw new UserError('loadgen: the concurrency sweep needs at least one level');
  const reports: LoadReport[] = [];
  for (const concurrency of levels) {
    reports.push(await runLoad({ ...options, mode: { kind: 'closed', concurrency } }));
  }
  return reports;
}

/**
 * The highest Poisson arrival rate whose p99 latency stays within `bound.p99Ms`: starts at
 * `bound.startRate`, doubles until a run breaks the bound (or `maxRate` holds), then bisects.
 */
export function runServerScenario(
  options: ScenarioOptions,
  bound: LatencyBound,
): Promise<ServerScenarioResult> {
  return searchHighestRate((rate) => runLoad({ ...options, mode: { kind: 'open', rate } }), bound);
}

/** The search behind `runServerScenario`, with the run at a given rate passed in. */
export async function searchHighestRate(
  runAt: (rate: number) => Promise<LoadReport>,
  bound: LatencyBound,
): Promise<ServerScenarioResult> {
  checkBound(bound);
  const maxRate = bound.maxRate ?? Infinity;
  const tried: LoadReport[] = [];
  let best: { rate: number; report: LoadReport } | null = null;
  let lowest: LoadReport | null = null;
  const holds = async (rate: number): Promise<boolean> => {
    const report = await runAt(rate);
    tried.push(report);
    if (lowest === null || rate < rateOf(lowest)) lowest = report;
    const met = meetsBound(report, bound.p99Ms);
    if (met && (best === null || rate > best.rate)) best = { rate, report };
    return met;
  };

  let low = 0;
  let high = Math.min(bound.startRate, maxRate);
  for (let doublings = 0; await holds(high); doublings++) {
    if (high >= maxRate || doublings === MAX_DOUBLINGS) return finish(best, lowest, tried);
    low = high;
    high = Math.min(high * 2, maxRate);
  }
  for (let step = 0; step < MAX_BISECTIONS && high - low > RESOLUTION * high; step++) {
    const middle = (low + high) / 2;
    if (await holds(middle)) low = middle;
    else high = middle;
  }
  return finish(best, lowest, tried);
}

/** A run meets the bound when nearly all its requests succeeded and its p99 is within it. */
export function meetsBound(report: LoadReport, p99Ms: number): boolean {
  if (report.succeeded === 0) return false;
  if (totalErrors(report.errors) > MAX_ERROR_SHARE * report.requests) return false;
  return report.latencyMs.p99 <= p99Ms;
}

function finish(
  best: { rate: number; report: LoadReport } | null,
  lowest: LoadReport | null,
  tried: LoadReport[],
): ServerScenarioResult {
  if (best !== null) return { rate: best.rate, report: best.report, tried };
  return { rate: 0, report: lowest ?? (tried[0] as LoadReport), tried };
}

function rateOf(report: LoadReport): number {
  return report.mode.kind === 'open' ? report.mode.rate : 0;
}

function checkBound(bound: LatencyBound): void {
  requirePositive('bound.p99Ms', bound.p99Ms);
  requirePositive('bound.startRate', bound.startRate);
  if (bound.maxRate !== undefined) requirePositive('bound.maxRate', bound.maxRate);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkResults, Metric } from '@envoy/core';
import { parseGateRule, type GateRule } from '@envoy/config';

const CANDIDATE: BenchmarkResults = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'results-cpu.json'), 'utf8'),
);

/** The candidate's results, with metrics (and other fields) replaced as given. */
export function results(
  metrics: Record<string, Partial<Metric> & { value: number }> = {},
  changes: Partial<BenchmarkResults> = {},
): BenchmarkResults {
  const copy: BenchmarkResults = structuredClone(CANDIDATE);
  for (const [name, metric] of Object.entries(metrics)) {
    copy.metrics[name] = { ...(copy.metrics[name] ?? measured(metric.value)), ...metric };
  }
  return { ...copy, ...changes };
}

export function measured(value: number, unit = 'ms'): Metric {
  return { value, unit, direction: 'smaller-is-better', source: 'measured' };
}

/** The baseline version's results: same model and class, version 3. */
export function baselineResults(
  metrics: Record<string, Partial<Metric> & { value: number }> = {},
  changes: Partial<BenchmarkResults> = {},
): BenchmarkResults {
  return results(metrics, { version: 3, ...changes });
}

/** A rule parsed by the config loader's own parser. */
export function rule(text: string, line?: number): GateRule {
  const parsed = parseGateRule(text, line ? { line, column: 5 } : undefined);
  if ('error' in parsed) throw new Error(`bad test rule ${text}: ${parsed.error}`);
  return parsed.rule;
}

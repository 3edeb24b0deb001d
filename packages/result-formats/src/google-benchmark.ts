import type { Metric } from '@envoy/core';
import { MetricCollector } from './collector.js';
import { directionForUnit } from './direction.js';
import {
  childPath,
  expectArray,
  expectNumber,
  expectObject,
  expectString,
  parseJsonText,
  type JsonObject,
} from './json.js';
import { joinName, snakeCase } from './names.js';
import { problemAtPath, quote } from './problems.js';

const TIME_UNITS = ['ns', 'us', 'ms', 's'];

/** Fields of a run that are not user counters. */
const RUN_FIELDS = new Set([
  'name',
  'family_index',
  'per_family_instance_index',
  'run_name',
  'run_type',
  'repetitions',
  'repetition_index',
  'threads',
  'iterations',
  'real_time',
  'cpu_time',
  'time_unit',
  'aggregate_name',
  'aggregate_unit',
  'error_occurred',
  'error_message',
  'label',
  'items_per_second',
  'bytes_per_second',
  'big_o',
  'rms',
  'cpu_coefficient',
  'real_coefficient',
]);

/** Complexity fits (`--benchmark_complexity`) describe a curve, not a measurement. */
const COMPLEXITY_AGGREGATES = new Set(['BigO', 'RMS']);

/**
 * Google Benchmark's `--benchmark_format=json` / `--benchmark_out` file. Each run gives
 * `<name>_real_time_<unit>`, `<name>_cpu_time_<unit>`, `<name>_items_per_second`,
 * `<name>_bytes_per_second` and `<name>_<counter>`; when repetitions produced aggregates
 * (`_mean`, `_median`, `_stddev`, `_cv`), only the aggregates are kept.
 */
export function parseGoogleBenchmarkJson(text: string, source: string): Record<string, Metric> {
  const root = expectObject(parseJsonText(text, source), source, '');
  const runs = expectArray(root.benchmarks, source, 'benchmarks').map((run, index) =>
    expectObject(run, source, childPath('benchmarks', index)),
  );
  const aggregated = new Set(runs.filter(isAggregate).map((run) => run.run_name));
  const collector = new MetricCollector(source);
  runs.forEach((run, index) => {
    const path = childPath('benchmarks', index);
    if (COMPLEXITY_AGGREGATES.has(String(run.aggregate_name))) return;
    if (!isAggregate(run) && run.run_name !== undefined && aggregated.has(run.run_name)) return;
    addRun(collector, run, source, path);
  });
  return collector.result('the Google Benchmark JSON');
}

function isAggregate(run: JsonObject): boolean {
  return run.run_type === 'aggregate' || (run.run_type === undefined && 'aggregate_name' in run);
}

function addRun(collector: MetricCollector, run: JsonObject, source: string, path: string): void {
  const label = expectString(run.name, source, childPath(path, 'name'));
  if (run.error_occurred === true) {
    throw problemAtPath(
      source,
      path,
      `benchmark ${quote(label)} reported an error: ${quote(run.error_message ?? '')}`,
    );
  }
  const prefix = snakeCase(label);
  const add = (field: string, name: string, unit: string) => {
    if (run[field] === undefined) return;
    const value = expectNumber(run[field], source, childPath(path, field));
    collector.add(joinName(prefix, name), value, unit, directionForUnit(unit), path);
  };
  if (run.aggregate_unit === 'percentage') {
    addCoefficientsOfVariation(collector, run, prefix, source, path);
    return;
  }
  const timeUnit = readTimeUnit(run, source, path);
  add('real_time', `real_time_${timeUnit}`, timeUnit);
  add('cpu_time', `cpu_time_${timeUnit}`, timeUnit);
  add('items_per_second', 'items_per_second', 'items/s');
  add('bytes_per_second', 'bytes_per_second', 'bytes/s');
  for (const counter of userCounters(run)) {
    const unit = counter.includes('/') ? counter : '';
    add(counter, snakeCase(counter), unit);
  }
}

/** A `_cv` aggregate holds stddev / mean for each field: a ratio, where less is steadier. */
function addCoefficientsOfVariation(
  collector: MetricCollector,
  run: JsonObject,
  prefix: string,
  source: string,
  path: string,
): void {
  const fields = [
    'real_time',
    'cpu_time',
    'items_per_second',
    'bytes_per_second',
    ...userCounters(run),
  ];
  for (const field of fields) {
    if (run[field] === undefined) continue;
    const value = expectNumber(run[field], source, childPath(path, field));
    collector.add(joinName(prefix, snakeCase(field)), value, 'ratio', 'smaller-is-better', path);
  }
}

function readTimeUnit(run: JsonObject, source: string, path: string): string {
  const unit = run.time_unit;
  if (typeof unit === 'string' && TIME_UNITS.includes(unit)) return unit;
  if (unit === undefined && run.real_time === undefined && run.cpu_time === undefined) return '';
  throw problemAtPath(
    source,
    childPath(path, 'time_unit'),
    `expected one of ${TIME_UNITS.join(', ')}, found ${quote(unit)}`,
  );
}

function userCounters(run: JsonObject): string[] {
  return Object.keys(run).filter((key) => !RUN_FIELDS.has(key) && typeof run[key] === 'number');
}

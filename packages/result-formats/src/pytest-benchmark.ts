import type { Metric } from '@envoy/core';
import { MetricCollector } from './collector.js';
import {
  childPath,
  expectArray,
  expectNumber,
  expectObject,
  expectString,
  parseJsonText,
} from './json.js';
import { joinName, snakeCase } from './names.js';

/** Statistics pytest-benchmark reports in seconds; counts such as `rounds` are left out. */
const SECONDS_STATS = [
  'min',
  'max',
  'mean',
  'stddev',
  'median',
  'iqr',
  'q1',
  'q3',
  'ld15iqr',
  'hd15iqr',
  'total',
];

/**
 * pytest-benchmark's `--benchmark-json` file: each `benchmarks[]` entry gives
 * `<name>_<stat>_s` (in seconds, as written) and `<name>_ops` (operations per second).
 */
export function parsePytestBenchmarkJson(text: string, source: string): Record<string, Metric> {
  const root = expectObject(parseJsonText(text, source), source, '');
  const benchmarks = expectArray(root.benchmarks, source, 'benchmarks');
  const collector = new MetricCollector(source);
  benchmarks.forEach((raw, index) => {
    const path = childPath('benchmarks', index);
    const benchmark = expectObject(raw, source, path);
    const prefix = snakeCase(expectString(benchmark.name, source, childPath(path, 'name')));
    const statsPath = childPath(path, 'stats');
    const stats = expectObject(benchmark.stats, source, statsPath);
    for (const stat of SECONDS_STATS) {
      if (stats[stat] === undefined || stats[stat] === null) continue;
      const value = expectNumber(stats[stat], source, childPath(statsPath, stat));
      collector.add(joinName(prefix, stat, 's'), value, 's', 'smaller-is-better', path);
    }
    if (stats.ops !== undefined && stats.ops !== null) {
      const ops = expectNumber(stats.ops, source, childPath(statsPath, 'ops'));
      collector.add(joinName(prefix, 'ops'), ops, 'ops/s', 'bigger-is-better', path);
    }
  });
  return collector.result('the pytest-benchmark JSON');
}

import type { Direction, Metric } from '@envoy/core';
import { MetricCollector } from './collector.js';
import { directionForUnit } from './direction.js';
import { childPath, expectNumber, expectObject, isObject, parseJsonText } from './json.js';
import { METRIC_NAME } from './names.js';
import { problemAtPath, quote } from './problems.js';

const DIRECTIONS: readonly Direction[] = ['smaller-is-better', 'bigger-is-better'];

/**
 * Envoy's own format: `{"metrics": {"<name>": <entry>}}`, or the entries at the top level.
 * An entry is a number, or `{"value", "unit"?, "direction"?}`. Names are kept as written.
 */
export function parseEnvoyJson(text: string, source: string): Record<string, Metric> {
  const root = expectObject(parseJsonText(text, source), source, '');
  const wrapped = 'metrics' in root;
  const entries = wrapped ? expectObject(root.metrics, source, 'metrics') : root;
  const collector = new MetricCollector(source);
  for (const [name, entry] of Object.entries(entries)) {
    const path = childPath(wrapped ? 'metrics' : '', name);
    if (!METRIC_NAME.test(name)) {
      throw problemAtPath(
        source,
        path,
        `${quote(name)} is not a metric name: use letters, digits and _ . @ = -, starting with a letter or _`,
      );
    }
    const { value, unit, direction } = readEntry(entry, name, source, path);
    collector.add(name, value, unit, direction, path);
  }
  return collector.result('the Envoy results JSON');
}

function readEntry(entry: unknown, name: string, source: string, path: string) {
  if (!isObject(entry)) {
    const unit = unitFromName(name);
    return { value: expectNumber(entry, source, path), unit, direction: directionForUnit(unit) };
  }
  const value = expectNumber(entry.value, source, childPath(path, 'value'));
  const unit = entry.unit === undefined ? unitFromName(name) : entry.unit;
  if (typeof unit !== 'string') {
    throw problemAtPath(source, childPath(path, 'unit'), `expected a string, found ${quote(unit)}`);
  }
  const direction = entry.direction ?? directionForUnit(unit);
  if (!DIRECTIONS.includes(direction as Direction)) {
    throw problemAtPath(
      source,
      childPath(path, 'direction'),
      `expected ${DIRECTIONS.join(' or ')}, found ${quote(direction)}`,
    );
  }
  return { value, unit, direction: direction as Direction };
}

/** The unit a name ends with when an entry gives none: `latency_p50_ms` is in ms. */
function unitFromName(name: string): string {
  if (/_per_(second|sec|s)$/.test(name)) return '1/s';
  return /_(ns|us|ms|s)$/.exec(name)?.[1] ?? '';
}

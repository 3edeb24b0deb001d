import type { Direction, Metric } from '@envoy/core';
import { MetricCollector } from './collector.js';
import { directionForUnit } from './direction.js';
import {
  childPath,
  expectArray,
  expectNumber,
  expectObject,
  expectString,
  parseJsonText,
} from './json.js';
import { snakeCase } from './names.js';
import { problemAtPath, quote } from './problems.js';

/**
 * github-action-benchmark's `customSmallerIsBetter` / `customBiggerIsBetter` input: an
 * array of `{name, unit, value, range?, extra?}`. `direction` comes from the tool variant
 * the user picked; undefined means "infer it from each entry's unit".
 */
export function parseCustomBenchmarkJson(
  text: string,
  source: string,
  direction: Direction | undefined,
): Record<string, Metric> {
  const entries = expectArray(parseJsonText(text, source), source, '');
  const collector = new MetricCollector(source);
  entries.forEach((raw, index) => {
    const path = childPath('', index);
    const entry = expectObject(raw, source, path);
    const label = expectString(entry.name, source, childPath(path, 'name'));
    const unit = entry.unit ?? '';
    if (typeof unit !== 'string') {
      throw problemAtPath(
        source,
        childPath(path, 'unit'),
        `expected a string, found ${quote(unit)}`,
      );
    }
    const value = expectNumber(entry.value, source, childPath(path, 'value'));
    const name = snakeCase(label);
    if (name === '') {
      throw problemAtPath(
        source,
        childPath(path, 'name'),
        `${quote(label)} has no letters or digits to name a metric by`,
      );
    }
    collector.add(name, value, unit, direction ?? directionForUnit(unit), path);
  });
  return collector.result('the github-action-benchmark JSON');
}

import type { Direction, Metric } from '@envoy/core';
import { MetricCollector } from './collector.js';
import { joinName, snakeCase } from './names.js';
import { parseDecimal } from './numbers.js';
import { problemAtLine, problemInFile, quote } from './problems.js';

/** The summary's sections that hold results; "Test Parameters Used" holds settings. */
const RESULT_SECTIONS = new Set(['MLPerf Results Summary', 'Additional Stats']);
const INFO_LABELS = new Set(['SUT name', 'Scenario', 'Mode']);

/** Reads a value: a number, 'skip' for no metric, undefined for a bad value. */
type ValueReader = (text: string) => number | 'skip' | undefined;

const readNumber: ValueReader = (text) => parseDecimal(text);
const readFlag: ValueReader = (text) =>
  lookup({ yes: 1, no: 0, skipped: 'skip' as const }, text.toLowerCase());
const readValidity: ValueReader = (text) => lookup({ VALID: 1, INVALID: 0 }, text);
/** Lines Envoy does not know: a number is kept, words are left alone. */
const readIfNumber: ValueReader = (text) => parseDecimal(text) ?? 'skip';

const LABEL_VALUE = /^\s*([^:*]+?)\s*:\s*(.*?)\s*$/;
const EARLY_STOPPING = /^\s*\*\s*Early stopping (\d+(?:\.\d+)?)th percentile estimate:\s*(.*?)\s*$/;
const PERCENTILE = /^(\d+(?:\.\d+)?)(?:th)?\s+(.*)$/;

interface Reading {
  name: string;
  unit: string;
  direction: Direction;
  read: ValueReader;
  expected: string;
}

/**
 * MLPerf LoadGen's `mlperf_log_summary.txt`. Every `label : value` line of the results
 * sections becomes a metric: `Samples per second` → `samples_per_second`,
 * `99.90 percentile latency (ns)` → `p99_9_latency_ns`, `Result is : VALID` →
 * `result_valid` = 1 (INVALID: 0), `Min duration satisfied : Yes` → `min_duration_satisfied` = 1.
 */
export function parseMlperfSummary(text: string, source: string): Record<string, Metric> {
  const collector = new MetricCollector(source);
  const lines = text.split(/\r?\n/);
  const seen = new Set<string>();
  let section = '';
  lines.forEach((content, index) => {
    if (/^=+\s*$/.test(lines[index - 1] ?? '') && /^=+\s*$/.test(lines[index + 1] ?? '')) {
      section = content.trim();
      return;
    }
    if (!RESULT_SECTIONS.has(section)) return;
    const found = readLine(content, index + 1, source);
    if (!found) return;
    seen.add(found.label);
    if (found.reading) {
      collector.add(
        found.reading.name,
        found.value,
        found.reading.unit,
        found.reading.direction,
        `line ${index + 1}`,
      );
    }
  });
  for (const label of ['Scenario', 'Result is']) {
    if (!seen.has(label))
      throw problemInFile(source, `not an MLPerf LoadGen summary: no "${label} :" line`);
  }
  return collector.result('the MLPerf LoadGen summary');
}

function readLine(content: string, line: number, source: string) {
  const early = EARLY_STOPPING.exec(content);
  const match = early ?? LABEL_VALUE.exec(content);
  if (!match || match[2] === '') return undefined;
  const [, label = '', text = ''] = match;
  const reading = early ? earlyStoppingReading(label) : readingFor(label);
  const value = reading?.read(text);
  if (!reading || value === 'skip') return { label };
  if (value === undefined) {
    throw problemAtLine(
      source,
      line,
      `${quote(label)}: expected ${reading.expected}, found ${quote(text)}`,
    );
  }
  return { label, reading, value };
}

function earlyStoppingReading(percentile: string): Reading {
  const name = `early_stopping_${percentileName(percentile)}_latency_ns`;
  return {
    name,
    unit: 'ns',
    direction: 'smaller-is-better',
    read: readNumber,
    expected: 'a number',
  };
}

/** How a label becomes a metric; undefined for labels that name no number. */
function readingFor(label: string): Reading | undefined {
  if (INFO_LABELS.has(label)) return undefined;
  const bigger = 'bigger-is-better' as const;
  if (label === 'Result is') {
    return {
      name: 'result_valid',
      unit: 'bool',
      direction: bigger,
      read: readValidity,
      expected: 'VALID or INVALID',
    };
  }
  if (/ satisfied$/i.test(label)) {
    return {
      name: snakeCase(label),
      unit: 'bool',
      direction: bigger,
      read: readFlag,
      expected: 'Yes, NO or Skipped',
    };
  }
  const rate =
    /^(?:\w+ )?(\w+) per second$/i.exec(label)?.[1] ??
    lookup({ QPS: 'queries', TPS: 'tokens' }, label.split(' ')[0] ?? '');
  if (rate) {
    return {
      name: snakeCase(label),
      unit: `${rate.toLowerCase()}/s`,
      direction: bigger,
      read: readNumber,
      expected: 'a number',
    };
  }
  const percentile = PERCENTILE.exec(label);
  const words = percentile ? (percentile[2] ?? '').replace(/\bpercentile\s+/, '') : label;
  const name = joinName(percentile ? percentileName(percentile[1] ?? '') : '', snakeCase(words));
  const unit = /\((\w+)\)$/.exec(label)?.[1] ?? '';
  if (unit === '' && !percentile)
    return { name, unit, direction: bigger, read: readIfNumber, expected: 'a number' };
  return { name, unit, direction: 'smaller-is-better', read: readNumber, expected: 'a number' };
}

function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** `99.90` → `p99_9`, `90` → `p90`. */
function percentileName(number: string): string {
  return `p${String(Number(number)).replace('.', '_')}`;
}

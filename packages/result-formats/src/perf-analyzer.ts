import type { Direction, Metric } from '@envoy/core';
import { MetricCollector } from './collector.js';
import { readCsv, type CsvRow } from './csv.js';
import { joinName, snakeCase } from './names.js';
import { parseDecimal } from './numbers.js';
import { problemAtLine, problemInFile, quote } from './problems.js';

interface ColumnMeaning {
  name: string;
  unit: string;
  direction: Direction;
  /** GPU columns hold `<gpu id>:<value>;` for each GPU. */
  perGpu?: boolean;
}

/** The columns that are not latencies in µs, by lower-case header. */
const KNOWN_COLUMNS: Record<string, ColumnMeaning | 'skip'> = {
  'inferences/second': {
    name: 'inferences_per_second',
    unit: 'infer/s',
    direction: 'bigger-is-better',
  },
  'response throughput': {
    name: 'responses_per_second',
    unit: 'responses/s',
    direction: 'bigger-is-better',
  },
  'avg gpu utilization': {
    name: 'avg_gpu_utilization',
    unit: 'ratio',
    direction: 'bigger-is-better',
    perGpu: true,
  },
  'avg gpu power usage': {
    name: 'avg_gpu_power_usage_w',
    unit: 'W',
    direction: 'smaller-is-better',
    perGpu: true,
  },
  'max gpu memory usage': {
    name: 'max_gpu_memory_usage_bytes',
    unit: 'bytes',
    direction: 'smaller-is-better',
    perGpu: true,
  },
  // The card's size, not something the model did.
  'total gpu memory': 'skip',
};

/** The column rows are keyed by: closed-loop concurrency or open-loop request rate. */
const KEY_COLUMNS: Record<string, string> = {
  concurrency: 'concurrency',
  'request rate': 'request_rate',
};

/**
 * Triton perf_analyzer's `-f file.csv`. Columns are found by header, rows by their
 * concurrency (or request rate) value, never by position: perf_analyzer sorts rows by
 * throughput. A metric is `<key>_<value>_<column>`, e.g. `concurrency_4_p99_latency_us`.
 */
export function parsePerfAnalyzerCsv(text: string, source: string): Record<string, Metric> {
  const [header, ...rows] = readCsv(text, source);
  if (!header)
    throw problemInFile(source, 'is empty: expected perf_analyzer CSV with a header line');
  const headers = header.cells.map((cell) => cell.toLowerCase());
  const keyIndex = headers.findIndex((cell) => cell in KEY_COLUMNS);
  if (keyIndex < 0) {
    throw problemAtLine(
      source,
      header.line,
      `no "Concurrency" or "Request Rate" column in the header ${quote(header.cells.join(','))}`,
    );
  }
  const keyName = KEY_COLUMNS[headers[keyIndex] ?? ''] ?? '';
  const collector = new MetricCollector(source);
  const seenKeys = new Map<string, number>();
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) {
      throw problemAtLine(
        source,
        row.line,
        `${row.cells.length} cells, but the header on line ${header.line} has ${header.cells.length} columns`,
      );
    }
    const key = readKey(row, keyIndex, header.cells[keyIndex] ?? '', source);
    const earlier = seenKeys.get(key);
    if (earlier !== undefined) {
      throw problemAtLine(
        source,
        row.line,
        `${header.cells[keyIndex]} ${key} appears again (first on line ${earlier})`,
      );
    }
    seenKeys.set(key, row.line);
    const prefix = joinName(keyName, key.replace('.', '_'));
    header.cells.forEach((title, index) => {
      if (index !== keyIndex) addCell(collector, prefix, title, row, index, source);
    });
  }
  return collector.result('the perf_analyzer CSV');
}

function readKey(row: CsvRow, keyIndex: number, title: string, source: string): string {
  const cell = row.cells[keyIndex] ?? '';
  const value = parseDecimal(cell);
  if (value === undefined || value < 0) {
    throw problemAtLine(
      source,
      row.line,
      `column ${quote(title)}: ${quote(cell)} is not a non-negative number`,
    );
  }
  return String(value);
}

function addCell(
  collector: MetricCollector,
  prefix: string,
  title: string,
  row: CsvRow,
  index: number,
  source: string,
): void {
  const meaning = KNOWN_COLUMNS[title.toLowerCase()] ?? latencyColumn(title);
  if (meaning === 'skip') return;
  const cell = row.cells[index] ?? '';
  const origin = `line ${row.line}, column ${quote(title)}`;
  const values = meaning.perGpu
    ? readPerGpu(cell, title, row.line, source)
    : [readCell(cell, title, row.line, source)];
  values.forEach((value, gpu) => {
    const suffix = values.length > 1 ? `gpu${gpu}` : '';
    collector.add(
      joinName(prefix, meaning.name, suffix),
      value,
      meaning.unit,
      meaning.direction,
      origin,
    );
  });
}

/** perf_analyzer writes every other column as a time in microseconds. */
function latencyColumn(title: string): ColumnMeaning {
  return { name: joinName(snakeCase(title), 'us'), unit: 'us', direction: 'smaller-is-better' };
}

function readCell(cell: string, title: string, line: number, source: string): number {
  const value = parseDecimal(cell);
  if (value === undefined)
    throw problemAtLine(source, line, `column ${quote(title)}: ${quote(cell)} is not a number`);
  return value;
}

/** `GPU-1234:0.52;GPU-5678:0.40;` → one value per GPU, in the order written. */
function readPerGpu(cell: string, title: string, line: number, source: string): number[] {
  return cell
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const colon = part.lastIndexOf(':');
      if (colon < 0)
        throw problemAtLine(
          source,
          line,
          `column ${quote(title)}: ${quote(part)} is not "<gpu>:<value>"`,
        );
      return readCell(part.slice(colon + 1), title, line, source);
    });
}

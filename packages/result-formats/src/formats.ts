import { UserError, type Metric } from '@envoy/core';
import { parseEnvoyJson } from './envoy.js';
import { parseCustomBenchmarkJson } from './github-action-benchmark.js';
import { parseGoogleBenchmarkJson } from './google-benchmark.js';
import { parseMlperfSummary } from './mlperf-loadgen.js';
import { parsePerfAnalyzerCsv } from './perf-analyzer.js';
import { parsePytestBenchmarkJson } from './pytest-benchmark.js';

export type ResultFormat =
  | 'envoy'
  | 'github-action-benchmark'
  | 'custom-smaller-is-better'
  | 'custom-bigger-is-better'
  | 'pytest-benchmark'
  | 'google-benchmark'
  | 'perf-analyzer'
  | 'mlperf-loadgen';

export const RESULT_FORMATS: readonly ResultFormat[] = [
  'envoy',
  'github-action-benchmark',
  'custom-smaller-is-better',
  'custom-bigger-is-better',
  'pytest-benchmark',
  'google-benchmark',
  'perf-analyzer',
  'mlperf-loadgen',
];

type Parser = (text: string, source: string) => Record<string, Metric>;

const PARSERS: Record<ResultFormat, Parser> = {
  envoy: parseEnvoyJson,
  'github-action-benchmark': (text, source) => parseCustomBenchmarkJson(text, source, undefined),
  'custom-smaller-is-better': (text, source) =>
    parseCustomBenchmarkJson(text, source, 'smaller-is-better'),
  'custom-bigger-is-better': (text, source) =>
    parseCustomBenchmarkJson(text, source, 'bigger-is-better'),
  'pytest-benchmark': parsePytestBenchmarkJson,
  'google-benchmark': parseGoogleBenchmarkJson,
  'perf-analyzer': parsePerfAnalyzerCsv,
  'mlperf-loadgen': parseMlperfSummary,
};

/** github-action-benchmark's own tool names, accepted as the same formats. */
const TOOL_NAMES: Record<string, ResultFormat> = {
  customSmallerIsBetter: 'custom-smaller-is-better',
  customBiggerIsBetter: 'custom-bigger-is-better',
  pytest: 'pytest-benchmark',
  googlecpp: 'google-benchmark',
};

/**
 * Reads the metrics a user's benchmark wrote. `source` names the file in error messages.
 * Every metric comes back with `source: 'measured'`; malformed input throws a UserError
 * that names the file, the line or JSON path, and quotes the bad value.
 */
export function parseBenchmarkOutput(
  format: ResultFormat,
  text: string,
  source: string,
): Record<string, Metric> {
  const parser = Object.hasOwn(PARSERS, format) ? PARSERS[format] : undefined;
  if (!parser) throw unknownFormat(format);
  return parser(text.replace(/^\uFEFF/, ''), source);
}

/**
 * Checks a format name from envoy.yaml (`benchmark.command.format`). Also takes
 * github-action-benchmark's tool names (`customSmallerIsBetter`, `pytest`, `googlecpp`).
 */
export function resultFormatFromName(name: string, field?: string): ResultFormat {
  if ((RESULT_FORMATS as readonly string[]).includes(name)) return name as ResultFormat;
  const alias = Object.hasOwn(TOOL_NAMES, name) ? TOOL_NAMES[name] : undefined;
  if (alias) return alias;
  throw unknownFormat(name, field);
}

function unknownFormat(name: string, field?: string): UserError {
  const where = field ? `${field}: ` : '';
  return new UserError(
    `${where}unknown result format ${JSON.stringify(name)}; expected one of ${RESULT_FORMATS.join(', ')}`,
  );
}

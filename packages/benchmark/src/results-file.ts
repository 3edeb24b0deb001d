import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import {
  RESULTS_SCHEMA_VERSION,
  UserError,
  writeJsonAtomic,
  type BenchmarkResults,
} from '@envoy/core';
import { resultsSchema } from './results-schema.js';

const ajv = new Ajv();
addFormats(ajv, ['date-time']);
const validate = ajv.compile<BenchmarkResults>(resultsSchema);

/** Writes a results file, after checking it is one readResultsFile would accept. */
export async function writeResultsFile(path: string, results: BenchmarkResults): Promise<void> {
  checkResults(results, path);
  await writeJsonAtomic(path, results);
}

/** Reads and validates a results file; every problem names the file and the field. */
export async function readResultsFile(path: string): Promise<BenchmarkResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: results file not found`, { file: path });
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: not JSON (${(error as Error).message})`, { file: path });
  }
  return checkResults(parsed, path);
}

function checkResults(value: unknown, path: string): BenchmarkResults {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new UserError(
      `${path}: schemaVersion is ${JSON.stringify(version)}, expected ${RESULTS_SCHEMA_VERSION}`,
      { file: path, field: 'schemaVersion' },
    );
  }
  if (validate(value)) return value;
  const [problem] = validate.errors ?? [];
  const field = problem ? fieldOf(problem) : '(unknown)';
  throw new UserError(
    `${path}: field "${field}" ${problem?.message ?? 'is invalid'}${foundText(value, problem)}`,
    { file: path, field },
  );
}

/** ` (found "abc")` for a bad value; nothing for a missing field or a whole object. */
function foundText(root: unknown, problem: ErrorObject | undefined): string {
  if (!problem || problem.keyword === 'required' || problem.keyword === 'additionalProperties') {
    return '';
  }
  const parts = problem.instancePath.split('/').slice(1).map(unescapePointer);
  const found = parts.reduce<unknown>(
    (node, part) => (node as Record<string, unknown> | undefined)?.[part],
    root,
  );
  const quoted = JSON.stringify(found) ?? String(found);
  return ` (found ${quoted.length > 80 ? `${quoted.slice(0, 77)}...` : quoted})`;
}

/** A dotted field name: `metrics.latency_p50_ms.value`, `trials[0].latenciesMs`. */
function fieldOf(problem: ErrorObject): string {
  const parts = problem.instancePath.split('/').slice(1).map(unescapePointer);
  if (problem.keyword === 'required') parts.push(String(problem.params.missingProperty));
  if (problem.keyword === 'additionalProperties') {
    parts.push(String(problem.params.additionalProperty));
  }
  return parts.reduce((field, part) => {
    if (/^\d+$/.test(part)) return `${field}[${part}]`;
    return field === '' ? part : `${field}.${part}`;
  }, '');
}

function unescapePointer(part: string): string {
  return part.replaceAll('~1', '/').replaceAll('~0', '~');
}

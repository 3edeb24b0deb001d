import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { UserError, UserErrors } from '@envoy/core';
import schema from '../schema/envoy.schema.json' with { type: 'json' };
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { buildConfig } from './build.js';
import { numberProblems, ruleProblems, type NumberProblem } from './checks.js';
import { inFileOrder, problemAt } from './problems.js';
import type { EnvoyConfig } from './types.js';

export { schema as envoySchema };

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

const NAME_RULE =
  'must be lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, ' +
  'never two dots in a row';

/** The schema's patterns in words: a user should never have to read a regular expression. */
const PATTERN_WORDS: Record<string, string> = {
  [schema.definitions.name.pattern]: NAME_RULE,
  [schema.definitions.benchmark.properties.http.properties.url.pattern]:
    'must start with http:// or https://',
};

/** Reads, validates and completes an envoy.yaml. Every problem is reported at once. */
export async function loadConfig(file: string): Promise<EnvoyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error as NodeJS.ErrnoException);
  }
  return parseConfig(file, text, dirname(resolve(file)));
}

function unreadable(file: string, error: NodeJS.ErrnoException): UserError {
  if (error.code === 'EISDIR') {
    return new UserError(`${file}: is a directory, not a settings file`, { file });
  }
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
  };
  const reason = reasons[error.code ?? ''] ?? error.code ?? 'unknown error';
  return new UserError(`${file}: cannot read settings: ${reason}`, { file });
}

/** Validates envoy.yaml text; `root` is the folder paths in it are relative to. */
export function parseConfig(file: string, text: string, root: string): EnvoyConfig {
  const source = parseYamlSource(file, text);
  if (source.value === null || source.value === undefined) {
    const location = { file, line: 1, column: 1 };
    throw new UserError(`${file}:1:1: the file is empty: it needs at least \`models:\``, location);
  }
  const problems = [...valueProblems(source), ...ruleProblems(source)];
  if (problems.length > 0) throw new UserErrors(inFileOrder(problems));
  return buildConfig(source, source.value as Record<string, unknown>, root);
}

/** Schema problems and unusable numbers together, one report per value. */
function valueProblems(source: YamlSource): UserError[] {
  const errors = validate(source.value) ? [] : uniqueErrors(validate.errors ?? []);
  const reported = new Set<string>();
  const numbers = numberProblems(source).filter((number) => {
    const pointer = toPointer(number.path);
    const here = errors.filter((error) => error.instancePath === pointer);
    if (schemaSaysBetter(number, here)) return false;
    reported.add(pointer);
    return true;
  });
  return [
    ...errors
      .filter((error) => !reported.has(error.instancePath))
      .map((error) => schemaProblem(source, error)),
    ...numbers.map(({ problem }) => problem),
  ];
}

/**
 * "must be a finite number, got .nan" says more than "must be > 0", unless no number belongs
 * there at all; "must be <= 10000000" says more than "too large to hold exactly".
 */
function schemaSaysBetter(number: NumberProblem, errors: ErrorObject[]): boolean {
  if (errors.length === 0) return false;
  return number.kind === 'inexact' || errors.every((error) => !wantsNumber(error));
}

/** False only for a type error that asks for something other than a number. */
function wantsNumber(error: ErrorObject): boolean {
  if (error.keyword !== 'type') return true;
  const wanted = ([] as unknown[]).concat((error.params as { type: unknown }).type);
  return wanted.includes('number') || wanted.includes('integer');
}

function toPointer(path: ReadonlyArray<string | number>): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Keeps the most specific error per location: `oneOf` reports its branches too. */
function uniqueErrors(errors: ErrorObject[]): ErrorObject[] {
  const meaningful = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'if');
  const seen = new Set<string>();
  return meaningful.filter((error) => {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function schemaProblem(source: YamlSource, error: ErrorObject): UserError {
  const path = pointerToPath(error.instancePath);
  const at = fieldPath(path, error);
  const position =
    error.keyword === 'additionalProperties' ? source.positionOfKey(at) : source.positionOf(at);
  const field = error.keyword === 'required' ? [...at, String(error.params.missingProperty)] : at;
  const bad = error.keyword === 'required' ? '' : `, got ${describeValue(source, at)}`;
  return problemAt(source, field, `${explain(error)}${bad}`, position);
}

function explain(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(params.additionalProperty)}"`;
    case 'required':
      return `missing required field "${String(params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return PATTERN_WORDS[String(params.pattern)] ?? `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** For an unknown or missing field, the field itself is the thing to point at. */
function fieldPath(path: Array<string | number>, error: ErrorObject): Array<string | number> {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return [...path, String(params.additionalProperty)];
  return path;
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
    root,
  );
}

/** The bad value as the user wrote it: numbers verbatim (`.nan`, `1e400`), the rest as JSON. */
function describeValue(source: YamlSource, path: Array<string | number>): string {
  const value = valueAt(source.value, path);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return source.textOf(path) ?? String(value);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = Array.isArray(value) ? '[...]' : '{...}';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

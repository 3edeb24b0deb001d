import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { UserError, UserErrors } from '@envoy/core';
import schema from '../schema/envoy.schema.json' with { type: 'json' };
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { buildConfig } from './build.js';
import type { EnvoyConfig } from './types.js';

export { schema as envoySchema };

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** Reads, validates and completes an envoy.yaml. Every problem is reported at once. */
export async function loadConfig(file: string): Promise<EnvoyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new UserError(`${file}: cannot read settings: ${reason}`, { file });
  }
  return parseConfig(file, text, dirname(resolve(file)));
}

/** Validates envoy.yaml text; `root` is the folder paths in it are relative to. */
export function parseConfig(file: string, text: string, root: string): EnvoyConfig {
  const source = parseYamlSource(file, text);
  const value = source.value ?? {};
  if (!validate(value)) {
    throw new UserErrors(uniqueErrors(validate.errors ?? []).map((e) => schemaProblem(source, e)));
  }
  return buildConfig(source, value as Record<string, unknown>, root);
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
  const field = fieldName(path, error);
  const position =
    error.keyword === 'additionalProperties'
      ? source.positionOfKey(fieldPath(path, error))
      : source.positionOf(fieldPath(path, error));
  const where = position ? `${source.file}:${position.line}:${position.column}` : source.file;
  const bad =
    error.keyword === 'required'
      ? ''
      : `, got ${describeValue(valueAt(source.value, fieldPath(path, error)))}`;
  return new UserError(`${where}: ${field || '(top level)'}: ${explain(error)}${bad}`, {
    file: source.file,
    ...position,
    field,
  });
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
      return `must match ${String(params.pattern)} (lowercase letters, digits, ".", "_", "-")`;
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

function fieldName(path: Array<string | number>, error: ErrorObject): string {
  const full = fieldPath(path, error);
  const params = error.params as Record<string, unknown>;
  const parts = error.keyword === 'required' ? [...full, String(params.missingProperty)] : full;
  return parts.reduce<string>(
    (name, part) =>
      typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part,
    '',
  );
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
    root,
  );
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

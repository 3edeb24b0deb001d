import { parseDecimal } from './numbers.js';
import { problemAtPath, problemInFile, quote } from './problems.js';

export type JsonObject = Record<string, unknown>;

/** Parses JSON, reporting a syntax error with its line and column where the engine says. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : '';
    const hint = /\b(NaN|Infinity)\b/.test(text)
      ? ' (JSON has no NaN or Infinity; write null or leave the value out)'
      : '';
    throw problemInFile(source, `not valid JSON${where}: ${message}${hint}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** `path.key`, or `path["odd key"]` when the key is not a plain identifier. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_]\w*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, source: string, path: string): JsonObject {
  if (isObject(value)) return value;
  throw problemAtPath(source, path, `expected an object, found ${quote(value)}`);
}

export function expectArray(value: unknown, source: string, path: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw problemAtPath(source, path, `expected an array, found ${quote(value)}`);
}

export function expectString(value: unknown, source: string, path: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw problemAtPath(source, path, `expected a non-empty string, found ${quote(value)}`);
}

/** A finite number, or a string holding one (thousands separators allowed). */
export function expectNumber(value: unknown, source: string, path: string): number {
  const number = typeof value === 'string' ? parseDecimal(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  throw problemAtPath(source, path, `expected a number, found ${quote(value)}`);
}

import { UserError } from '@envoy/core';

const QUOTE_LIMIT = 80;

/** Quotes a bad value for an error message, shortened when long. */
export function quote(value: unknown): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
}

/** A mistake found at a JSON path, such as `benchmarks[3].stats.mean`. */
export function problemAtPath(source: string, path: string, message: string): UserError {
  const where = path === '' ? 'top level' : path;
  return new UserError(`${source}: ${where}: ${message}`, { file: source, field: where });
}

/** A mistake found on a line of a text or CSV file (lines count from 1). */
export function problemAtLine(source: string, line: number, message: string): UserError {
  return new UserError(`${source}:${line}: ${message}`, { file: source, line });
}

/** A mistake about the file as a whole. */
export function problemInFile(source: string, message: string): UserError {
  return new UserError(`${source}: ${message}`, { file: source });
}

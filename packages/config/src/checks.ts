import type { UserError } from '@envoy/core';
import { parseGateRule } from './rules.js';
import { problemAt, type Path } from './problems.js';
import type { YamlSource } from './yaml-source.js';

/** A number the settings cannot hold: NaN, an infinity, or an integer past 2^53. */
export interface NumberProblem {
  kind: 'non-finite' | 'inexact';
  path: Path;
  problem: UserError;
}

const INTEGER_LITERAL = /^[-+]?(\d+|0x[\da-f]+|0o[0-7]+)$/i;

/** Every value under `value`, with its path; an alias loop is walked once. */
function* walk(
  value: unknown,
  path: Path = [],
  ancestors = new Set<object>(),
): Generator<[Path, unknown]> {
  yield [path, value];
  if (!value || typeof value !== 'object' || ancestors.has(value)) return;
  ancestors.add(value);
  const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [key, child] of entries) yield* walk(child, [...path, key], ancestors);
  ancestors.delete(value);
}

/** Finds `.nan`, `.inf`, `1e400` and integers too large to hold exactly, quoted as written. */
export function numberProblems(source: YamlSource): NumberProblem[] {
  const found: NumberProblem[] = [];
  for (const [path, value] of walk(source.value)) {
    if (typeof value !== 'number') continue;
    const written = source.textOf(path) ?? String(value);
    if (!Number.isFinite(value)) {
      found.push({
        kind: 'non-finite',
        path,
        problem: problemAt(source, path, `must be a finite number, got ${written}`),
      });
    } else if (!Number.isSafeInteger(value) && INTEGER_LITERAL.test(written)) {
      const message = `must be at most ${Number.MAX_SAFE_INTEGER} to be held exactly, got ${written}`;
      found.push({ kind: 'inexact', path, problem: problemAt(source, path, message) });
    }
  }
  return found;
}

/**
 * Parses every gate rule written as a string, wherever it is, so rule mistakes are reported
 * alongside schema mistakes. An HTTP request `body` is the user's own data and is left alone.
 */
export function ruleProblems(source: YamlSource): UserError[] {
  const problems: UserError[] = [];
  for (const [path, value] of walk(source.value)) {
    if (path.at(-1) !== 'rules' || path.includes('body') || !Array.isArray(value)) continue;
    value.forEach((text: unknown, index) => {
      if (typeof text !== 'string') return;
      const parsed = parseGateRule(text);
      if ('error' in parsed) {
        const message = `${parsed.error}, got ${JSON.stringify(text)}`;
        problems.push(problemAt(source, [...path, index], message));
      }
    });
  }
  return problems;
}

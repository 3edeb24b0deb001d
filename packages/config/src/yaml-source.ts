import {
  LineCounter,
  parseDocument,
  visit,
  isMap,
  isScalar,
  type Alias,
  type Document,
  type YAMLError,
} from 'yaml';
import { UserError, UserErrors } from '@envoy/core';
import type { Position } from './types.js';

/** A parsed YAML file that can say where each value was written. */
export interface YamlSource {
  file: string;
  value: unknown;
  positionOf(path: ReadonlyArray<string | number>): Position | undefined;
  /** Where the key of a mapping entry is written (the entry's value may be far to its right). */
  positionOfKey(path: ReadonlyArray<string | number>): Position | undefined;
  /** A scalar exactly as written (`.nan`, `1e400`), when the path leads to one. */
  textOf(path: ReadonlyArray<string | number>): string | undefined;
}

/** Keys whose values are versions: kept exactly as written, so `1.10` never becomes 1.1. */
const VERSION_KEY = /(^|-)version$/;

/** Our words for the YAML problems whose library wording names library calls or internals. */
const YAML_PROBLEMS: Partial<Record<YAMLError['code'], string>> = {
  MULTIPLE_DOCS: 'a settings file holds one YAML document; found a second one here',
  DUPLICATE_KEY: 'this key is set twice in the same mapping',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs as indentation',
  RESOURCE_EXHAUSTION: 'too many aliases: expand the repeated values instead',
};

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  if (document.errors.length > 0) {
    throw new UserErrors(
      document.errors.map((error) => {
        const [line, column] = positionFromOffset(lines, error.pos[0]);
        const problem = YAML_PROBLEMS[error.code] ?? `not valid YAML: ${firstLine(error.message)}`;
        return new UserError(`${file}:${line}:${column}: ${problem}`, { file, line, column });
      }),
    );
  }
  keepVersionsAsWritten(document);
  return {
    file,
    value: toPlainValue(file, document, lines),
    positionOf: (path) => locate(document, lines, path),
    positionOfKey: (path) => locateKey(document, lines, path) ?? locate(document, lines, path),
    textOf: (path) => {
      const node = document.getIn(path, true);
      return isScalar(node) ? node.source : undefined;
    },
  };
}

/** The document as plain values; an alias to no anchor, or too many aliases, is a UserError. */
function toPlainValue(file: string, document: Document, lines: LineCounter): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = unresolvedAlias(document);
    const [line, column] = alias?.range ? positionFromOffset(lines, alias.range[0]) : [1, 1];
    const problem = alias
      ? `*${alias.source} refers to no anchor: mark a value above it with &${alias.source}`
      : YAML_PROBLEMS.RESOURCE_EXHAUSTION;
    throw new UserError(`${file}:${line}:${column}: ${problem}`, { file, line, column });
  }
}

function unresolvedAlias(document: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) !== undefined) return undefined;
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

function keepVersionsAsWritten(document: Document): void {
  visit(document, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (VERSION_KEY.test(key) && isScalar(pair.value) && typeof pair.value.value === 'number') {
        pair.value.value = pair.value.source ?? String(pair.value.value);
      }
    },
  });
}

function locate(
  document: Document,
  lines: LineCounter,
  path: ReadonlyArray<string | number>,
): Position | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] };
    if (node?.range) {
      const [line, column] = positionFromOffset(lines, node.range[0]);
      return { line, column };
    }
  }
  return undefined;
}

function locateKey(
  document: Document,
  lines: LineCounter,
  path: ReadonlyArray<string | number>,
): Position | undefined {
  const parent = document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path.at(-1));
  const range = isScalar(pair?.key) ? pair.key.range : undefined;
  if (!range) return undefined;
  const [line, column] = positionFromOffset(lines, range[0]);
  return { line, column };
}

function positionFromOffset(lines: LineCounter, offset: number): [number, number] {
  const { line, col } = lines.linePos(offset);
  return [line, col];
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

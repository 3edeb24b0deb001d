import { LineCounter, parseDocument, visit, isMap, isScalar, type Document } from 'yaml';
import { UserError, UserErrors } from '@envoy/core';
import type { Position } from './types.js';

/** A parsed YAML file that can say where each value was written. */
export interface YamlSource {
  file: string;
  value: unknown;
  positionOf(path: ReadonlyArray<string | number>): Position | undefined;
  /** Where the key of a mapping entry is written (the entry's value may be far to its right). */
  positionOfKey(path: ReadonlyArray<string | number>): Position | undefined;
}

/** Keys whose values are versions: kept exactly as written, so `1.10` never becomes 1.1. */
const VERSION_KEY = /(^|-)version$/;

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new UserErrors(
      document.errors.map((error) => {
        const [line, column] = positionFromOffset(lines, error.pos[0]);
        return new UserError(`${file}:${line}:${column}: ${firstLine(error.message)}`, {
          file,
          line,
          column,
        });
      }),
    );
  }
  keepVersionsAsWritten(document);
  return {
    file,
    value: document.toJS(),
    positionOf: (path) => locate(document, lines, path),
    positionOfKey: (path) => locateKey(document, lines, path) ?? locate(document, lines, path),
  };
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

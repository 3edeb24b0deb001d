import { UserError } from '@envoy/core';
import type { Position } from './types.js';
import type { YamlSource } from './yaml-source.js';

export type Path = Array<string | number>;

/** A problem with the value at `path`, located at `position` or else where the value is written. */
export function problemAt(
  source: YamlSource,
  path: Path,
  message: string,
  position: Position | undefined = source.positionOf(path),
): UserError {
  const field = pathName(path);
  const where = position ? `${source.file}:${position.line}:${position.column}` : source.file;
  return new UserError(`${where}: ${field || '(top level)'}: ${message}`, {
    file: source.file,
    ...position,
    field,
  });
}

/** `['models', 0, 'gate']` → `models[0].gate`. */
export function pathName(path: Path): string {
  return path.reduce<string>(
    (name, part) =>
      typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part,
    '',
  );
}

/** Problems in file order, so a long list reads top to bottom. */
export function inFileOrder(problems: UserError[]): UserError[] {
  const key = (problem: UserError) =>
    (problem.location?.line ?? 0) * 1e6 + (problem.location?.column ?? 0);
  return [...problems].sort((a, b) => key(a) - key(b));
}

import { isAbsolute, relative } from 'node:path';
import * as core from '@actions/core';
import type { Log, SourceLocation } from '@envoy/core';

/** Logs through the Actions runner: groups, debug lines, and annotations on files. */
export class ActionsLog implements Log {
  info(message: string): void {
    core.info(message);
  }

  debug(message: string): void {
    core.debug(message);
  }

  warning(message: string, location?: SourceLocation): void {
    core.warning(message, annotation(location));
  }

  error(message: string, location?: SourceLocation): void {
    core.error(message, annotation(location));
  }

  group<T>(name: string, work: () => Promise<T>): Promise<T> {
    return core.group(name, work);
  }

  mask(secret: string): void {
    if (secret) core.setSecret(secret);
  }
}

/** GitHub places annotations by paths relative to the repository root. */
export function annotationPath(file: string, workspace = process.env.GITHUB_WORKSPACE): string {
  if (!workspace || !isAbsolute(file)) return file;
  const path = relative(workspace, file);
  return path.startsWith('..') ? file : path;
}

function annotation(location?: SourceLocation): core.AnnotationProperties | undefined {
  if (!location?.file) return undefined;
  return {
    title: location.field ? `envoy: ${location.field}` : 'envoy',
    file: annotationPath(location.file),
    startLine: location.line,
    startColumn: location.column,
  };
}

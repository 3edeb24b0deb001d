import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  UserError,
  readJsonIfExists,
  writeFileAtomic,
  writeJsonAtomic,
  type BenchmarkResults,
  type ModelVersion,
} from '@envoy/core';
import type { AliasMove } from './types.js';

const MODEL_FOLDER_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const VERSION_FILE_PATTERN = /^([1-9]\d*)\.json$/;
const RESULTS_FILE_PATTERN = /^(.+)\.json$/;

/**
 * The registry's files under one folder, shared by both backends:
 *
 *     models/<model>/versions/<n>.json                   one ModelVersion
 *     models/<model>/aliases.json                        { "<alias>": <n> }, rewritten per move
 *     models/<model>/audit.jsonl                         one AliasMove per line, appended
 *     models/<model>/results/<n>/<hardwareClass>.json    BenchmarkResults[], oldest first
 *
 * Every write replaces a whole file atomically. Callers hold whatever lock their backend needs.
 */
export class RegistryTree {
  constructor(readonly folder: string) {}

  async modelNames(): Promise<string[]> {
    const names = await listFolder(join(this.folder, 'models'));
    return names.filter((name) => MODEL_FOLDER_PATTERN.test(name)).sort();
  }

  async versionNumbers(model: string): Promise<number[]> {
    const names = await listFolder(this.versionsFolder(model));
    const numbers = names.flatMap((name) => {
      const match = VERSION_FILE_PATTERN.exec(name);
      return match ? [Number(match[1])] : [];
    });
    return numbers.sort((a, b) => a - b);
  }

  readVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    return readJsonIfExists<ModelVersion>(join(this.versionsFolder(model), `${version}.json`));
  }

  async readVersions(model: string): Promise<ModelVersion[]> {
    const numbers = await this.versionNumbers(model);
    const versions = await Promise.all(numbers.map((n) => this.readVersion(model, n)));
    return versions.filter((version): version is ModelVersion => version !== undefined);
  }

  writeVersion(version: ModelVersion): Promise<void> {
    const file = join(this.versionsFolder(version.model), `${version.version}.json`);
    return writeJsonAtomic(file, version);
  }

  async readAudit(model: string): Promise<AliasMove[]> {
    const file = this.auditFile(model);
    const text = await readTextIfExists(file);
    if (text === undefined) return [];
    return text
      .split('\n')
      .map((line, index) => ({ line: line.trim(), number: index + 1 }))
      .filter(({ line }) => line !== '')
      .map(({ line, number }) => parseAuditLine(file, number, line));
  }

  /** Appends one move. The whole file is rewritten atomically, so a killed writer adds nothing. */
  async appendAudit(model: string, move: AliasMove): Promise<void> {
    const before = (await readTextIfExists(this.auditFile(model))) ?? '';
    const separator = before === '' || before.endsWith('\n') ? '' : '\n';
    await writeFileAtomic(this.auditFile(model), `${before}${separator}${JSON.stringify(move)}\n`);
  }

  writeAliases(model: string, aliases: Record<string, number>): Promise<void> {
    return writeJsonAtomic(join(this.modelFolder(model), 'aliases.json'), aliases);
  }

  /** Runs of one version, oldest first; all hardware classes when none is named. */
  async readResults(
    model: string,
    version: number,
    hardwareClass?: string,
  ): Promise<BenchmarkResults[]> {
    const folder = this.resultsFolder(model, version);
    const classes =
      hardwareClass !== undefined
        ? [hardwareClass]
        : (await listFolder(folder)).flatMap((name) => RESULTS_FILE_PATTERN.exec(name)?.[1] ?? []);
    const runs = await Promise.all(
      classes.sort().map(async (name) => {
        return (await readJsonIfExists<BenchmarkResults[]>(join(folder, `${name}.json`))) ?? [];
      }),
    );
    return runs.flat();
  }

  writeResults(
    model: string,
    version: number,
    hardwareClass: string,
    runs: BenchmarkResults[],
  ): Promise<void> {
    const file = join(this.resultsFolder(model, version), `${hardwareClass}.json`);
    return writeJsonAtomic(file, runs);
  }

  private modelFolder(model: string): string {
    return join(this.folder, 'models', model);
  }

  private versionsFolder(model: string): string {
    return join(this.modelFolder(model), 'versions');
  }

  private auditFile(model: string): string {
    return join(this.modelFolder(model), 'audit.jsonl');
  }

  private resultsFolder(model: string, version: number): string {
    return join(this.modelFolder(model), 'results', String(version));
  }
}

function parseAuditLine(file: string, line: number, text: string): AliasMove {
  try {
    return JSON.parse(text) as AliasMove;
  } catch (error) {
    throw new UserError(`${file}:${line}: the audit log line is not JSON (${String(error)})`, {
      file,
      line,
    });
  }
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

import {
  RESULTS_SCHEMA_VERSION,
  UserError,
  parseVersionNumber,
  type BenchmarkResults,
  type Log,
  type ModelVersion,
} from '@envoy/core';
import { computeModelDigest } from './digest.js';
import { checkAliasName, checkHardwareClass, checkModelName, checkVersion } from './names.js';
import type { RegistryTree } from './tree.js';
import type { AliasMove, AliasMoveReason, RegisterRequest, Registry } from './types.js';

/** What a write did: its result, and for a real change a one-line description and its author. */
export interface TreeChange<T> {
  result: T;
  /** Absent when nothing changed (such as registering a digest that is already there). */
  message?: string;
  actor?: string;
}

/**
 * The registry's logic over a `RegistryTree`. A backend only decides how a tree is read and
 * how a change to one model is made safely: under a file lock, or as a pushed git commit.
 */
export abstract class TreeRegistry implements Registry {
  constructor(protected readonly log: Log) {}

  protected abstract read<T>(work: (tree: RegistryTree) => Promise<T>): Promise<T>;

  /** Runs `work` with exclusive access to `model`; it may run again after a conflict. */
  protected abstract write<T>(
    model: string,
    work: (tree: RegistryTree) => Promise<TreeChange<T>>,
  ): Promise<T>;

  async register(request: RegisterRequest): Promise<{ version: ModelVersion; created: boolean }> {
    const model = checkModelName(request.model);
    const { digest, files } = await computeModelDigest(request.path);
    const outcome = await this.write(model, async (tree) => {
      const versions = await tree.readVersions(model);
      const existing = versions.find((version) => version.digest === digest);
      if (existing) return { result: { version: existing, created: false } };
      const version: ModelVersion = {
        model,
        version: (versions.at(-1)?.version ?? 0) + 1,
        digest,
        format: request.format,
        source: request.source,
        files,
        ...(request.signature ? { signature: request.signature } : {}),
        lineage: request.lineage,
        createdAt: (request.now ?? new Date()).toISOString(),
      };
      await tree.writeVersion(version);
      const message = `register ${model} v${version.version} ${digest}`;
      return { result: { version, created: true }, message, actor: request.lineage.actor };
    });
    const { version, created } = outcome;
    this.log.info(
      created
        ? `Registered ${model} v${version.version} (${digest})`
        : `${model} v${version.version} already has digest ${digest}; nothing registered`,
    );
    return outcome;
  }

  async listModels(): Promise<string[]> {
    return this.read(async (tree) => {
      const names = await tree.modelNames();
      const present = await Promise.all(
        names.map(async (name) => ((await tree.versionNumbers(name)).length > 0 ? [name] : [])),
      );
      return present.flat();
    });
  }

  async listVersions(model: string): Promise<ModelVersion[]> {
    checkModelName(model);
    return this.read((tree) => tree.readVersions(model));
  }

  async getVersion(model: string, version: number | string): Promise<ModelVersion> {
    checkModelName(model);
    const number = checkVersion(model, version);
    return this.read((tree) => requireVersion(tree, model, number));
  }

  async resolve(model: string, versionOrAlias: string | number): Promise<ModelVersion> {
    checkModelName(model);
    // "v3" is how versions are printed everywhere, so it names version 3 too.
    const number = parseVersionNumber(String(versionOrAlias).replace(/^v(?=[1-9])/, ''));
    if (number !== undefined) return this.getVersion(model, number);
    const alias = checkAliasName(String(versionOrAlias));
    return this.read(async (tree) => {
      await requireModel(tree, model);
      const aliases = currentAliases(await tree.readAudit(model));
      const target = aliases[alias];
      if (target === undefined) {
        const known = Object.keys(aliases);
        throw new UserError(
          `model '${model}' has no alias '${alias}'` +
            (known.length > 0 ? ` (aliases: ${known.join(', ')})` : ' (it has no aliases yet)'),
        );
      }
      return requireVersion(tree, model, target);
    });
  }

  async aliases(model: string): Promise<Record<string, number>> {
    checkModelName(model);
    return this.read(async (tree) => currentAliases(await tree.readAudit(model)));
  }

  async moveAlias(
    model: string,
    alias: string,
    version: number | string,
    why: AliasMoveReason,
  ): Promise<AliasMove> {
    checkModelName(model);
    checkAliasName(alias);
    const to = checkVersion(model, version);
    const actor = requireText('actor', why.actor);
    const reason = requireText('reason', why.reason);
    const at = (why.now ?? new Date()).toISOString();
    const move = await this.write(model, async (tree) => {
      await requireVersion(tree, model, to);
      const history = await tree.readAudit(model);
      const from = currentAliases(history)[alias];
      const move: AliasMove = {
        model,
        alias,
        ...(from !== undefined ? { from } : {}),
        to,
        at,
        actor,
        reason,
      };
      await tree.appendAudit(model, move);
      await tree.writeAliases(model, currentAliases([...history, move]));
      const message = `alias ${alias} ${model} ${from ?? 'none'} -> ${to}: ${oneLine(reason)}`;
      return { result: move, message, actor };
    });
    this.log.info(
      `Moved ${model} alias '${alias}' from ${move.from === undefined ? 'nothing' : `v${move.from}`} to v${to}`,
    );
    return move;
  }

  async aliasHistory(model: string, alias?: string): Promise<AliasMove[]> {
    checkModelName(model);
    if (alias !== undefined) checkAliasName(alias);
    return this.read(async (tree) => {
      const history = await tree.readAudit(model);
      return alias === undefined ? history : history.filter((move) => move.alias === alias);
    });
  }

  async aliasAt(model: string, alias: string, at: Date): Promise<number | undefined> {
    const history = await this.aliasHistory(model, alias);
    const moment = at.getTime();
    return history.filter((move) => Date.parse(move.at) <= moment).at(-1)?.to;
  }

  async attachResults(results: BenchmarkResults): Promise<void> {
    const model = checkModelName(results.model);
    const version = checkVersion(model, results.version);
    const hardwareClass = checkHardwareClass(results.hardware?.class);
    if (results.schemaVersion !== RESULTS_SCHEMA_VERSION) {
      throw new UserError(
        `results for ${model} v${version} have schemaVersion ${JSON.stringify(results.schemaVersion)}; ` +
          `this registry reads schemaVersion ${RESULTS_SCHEMA_VERSION}`,
      );
    }
    await this.write(model, async (tree) => {
      const registered = await requireVersion(tree, model, version);
      if (registered.digest !== results.digest) {
        throw new UserError(
          `results for ${model} v${version} were measured on digest ${results.digest}, ` +
            `but v${version} is ${registered.digest}`,
        );
      }
      const runs = await tree.readResults(model, version, hardwareClass);
      await tree.writeResults(model, version, hardwareClass, [...runs, results]);
      const message = `results ${model} v${version} ${hardwareClass} (target ${results.target})`;
      return { result: undefined, message };
    });
    this.log.info(`Attached ${results.target} results to ${model} v${version} (${hardwareClass})`);
  }

  async getResults(
    model: string,
    version: number | string,
    hardwareClass?: string,
  ): Promise<BenchmarkResults[]> {
    checkModelName(model);
    const number = checkVersion(model, version);
    if (hardwareClass !== undefined) checkHardwareClass(hardwareClass);
    return this.read(async (tree) => {
      await requireVersion(tree, model, number);
      const runs = await tree.readResults(model, number, hardwareClass);
      return runs.sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
    });
  }
}

/** The aliases after replaying the audit log: the log is the source of truth. */
export function currentAliases(history: AliasMove[]): Record<string, number> {
  const aliases: Record<string, number> = {};
  for (const move of history) aliases[move.alias] = move.to;
  return aliases;
}

async function requireModel(tree: RegistryTree, model: string): Promise<number[]> {
  const versions = await tree.versionNumbers(model);
  if (versions.length > 0) return versions;
  const known: string[] = [];
  for (const name of await tree.modelNames()) {
    if ((await tree.versionNumbers(name)).length > 0) known.push(name);
  }
  throw new UserError(
    `no model named '${model}' in the registry` +
      (known.length > 0 ? ` (models: ${known.join(', ')})` : ' (the registry is empty)'),
  );
}

async function requireVersion(
  tree: RegistryTree,
  model: string,
  version: number,
): Promise<ModelVersion> {
  const versions = await requireModel(tree, model);
  const found = await tree.readVersion(model, version);
  if (found) return found;
  throw new UserError(
    `model '${model}' has no version ${version} (versions: ${describeNumbers(versions)})`,
  );
}

function describeNumbers(numbers: number[]): string {
  const first = numbers[0];
  const last = numbers.at(-1);
  if (first === undefined || last === undefined) return 'none';
  return first === last ? String(first) : `${first}..${last}`;
}

function requireText(field: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UserError(`an alias move needs a non-empty ${field}, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

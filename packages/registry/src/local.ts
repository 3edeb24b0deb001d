import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Log } from '@envoy/core';
import { RegistryTree } from './tree.js';
import { TreeRegistry, type TreeChange } from './tree-registry.js';
import type { Registry } from './types.js';

export interface LocalRegistryOptions {
  /** A lock older than this (not refreshed by a live writer) is taken over. Default 10 s. */
  staleLockMs?: number;
}

/** About forty seconds of waiting at most: always longer than a stale lock lives. */
const LOCK_RETRIES = {
  retries: 120,
  factor: 1.2,
  minTimeout: 10,
  maxTimeout: 250,
  randomize: true,
};

/**
 * The registry as JSON files in a folder. Each change to a model runs under a lock on that
 * model (a lock folder under `.locks/`, refreshed while held, taken over once stale) and
 * replaces whole files atomically, so concurrent writers lose nothing and a killed writer
 * leaves no half-written file.
 */
export class LocalRegistry extends TreeRegistry implements Registry {
  private readonly tree: RegistryTree;

  constructor(
    readonly folder: string,
    log: Log,
    private readonly options: LocalRegistryOptions = {},
  ) {
    super(log);
    this.tree = new RegistryTree(folder);
  }

  protected read<T>(work: (tree: RegistryTree) => Promise<T>): Promise<T> {
    return work(this.tree);
  }

  protected async write<T>(
    model: string,
    work: (tree: RegistryTree) => Promise<TreeChange<T>>,
  ): Promise<T> {
    const { release, compromised } = await this.lockModel(model);
    try {
      const change = await work(this.tree);
      if (change.message) this.log.debug(`LocalRegistry.write: ${change.message}`);
      const lost = compromised();
      if (lost) throw new Error(`lost the lock on registry model '${model}': ${lost.message}`);
      return change.result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async lockModel(model: string) {
    const lockFolder = join(this.folder, '.locks');
    await mkdir(lockFolder, { recursive: true });
    let lost: Error | undefined;
    const lockfilePath = join(lockFolder, `${model}.lock`);
    try {
      const release = await lockfile.lock(join(this.folder, 'models', model), {
        realpath: false,
        lockfilePath,
        stale: this.options.staleLockMs ?? 10_000,
        retries: LOCK_RETRIES,
        onCompromised: (error) => {
          lost = error;
        },
      });
      return { release, compromised: () => lost };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      throw new Error(
        `registry model '${model}' stayed locked by another writer (${lockfilePath}); ` +
          'if no Envoy process is running, delete that folder',
        { cause: error },
      );
    }
  }
}

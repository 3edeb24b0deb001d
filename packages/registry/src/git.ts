import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Log, ToolRunner } from '@envoy/core';
import { BranchWorkspace, ENVOY_AUTHOR } from './git-branch.js';
import { RegistryTree } from './tree.js';
import { TreeRegistry, type TreeChange } from './tree-registry.js';
import type { Registry } from './types.js';

export interface GitRegistryOptions {
  /** The user's repository. */
  root: string;
  /** Default `envoy-registry`. */
  branch?: string;
  /** Default `origin`. */
  remote?: string;
  tools: ToolRunner;
  log: Log;
  /** Pushes tried before giving up when other writers keep moving the branch. Default 10. */
  maxAttempts?: number;
  /** First backoff after a lost race; it doubles each time, up to `maxDelayMs`. Default 200. */
  baseDelayMs?: number;
  /** Default 5000. */
  maxDelayMs?: number;
  /** A workspace lock older than this (its holder died) is taken over. Default 10 s. */
  staleLockMs?: number;
}

/** Raised when every attempt to push a change lost the race to other writers. */
export class RegistryConflictError extends Error {
  override name = 'RegistryConflictError';
}

const SESSION_LOCK = {
  retries: 600,
  factor: 1.2,
  minTimeout: 20,
  maxTimeout: 500,
  randomize: true,
};

/**
 * The registry as files on a dedicated branch, pushed to a remote. Each change fetches the tip,
 * applies itself to the tip's files, commits and pushes; when another writer pushed first, it
 * backs off (exponentially, with jitter) and applies itself again on the new tip. The branch's
 * history is the audit trail: one commit per change, its message saying what changed.
 */
export class GitRegistry extends TreeRegistry implements Registry {
  readonly branch: string;
  readonly remote: string;
  private readonly workspace: BranchWorkspace;
  private readonly tree: RegistryTree;
  private readonly area: string;

  constructor(private readonly options: GitRegistryOptions) {
    super(options.log);
    this.branch = options.branch ?? 'envoy-registry';
    this.remote = options.remote ?? 'origin';
    this.area = join(options.root, '.envoy', 'git-registry');
    const location = {
      root: options.root,
      remote: this.remote,
      branch: this.branch,
      area: this.area,
    };
    this.workspace = new BranchWorkspace(location, options.tools);
    this.tree = new RegistryTree(this.workspace.workTree);
  }

  protected read<T>(work: (tree: RegistryTree) => Promise<T>): Promise<T> {
    return this.session(async () => {
      await this.workspace.checkout(await this.workspace.fetchTip());
      return work(this.tree);
    });
  }

  protected write<T>(
    _model: string,
    work: (tree: RegistryTree) => Promise<TreeChange<T>>,
  ): Promise<T> {
    return this.session(() => this.writeUntilPushed(work));
  }

  private async writeUntilPushed<T>(work: (tree: RegistryTree) => Promise<TreeChange<T>>) {
    const maxAttempts = this.options.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const tip = await this.workspace.fetchTip();
      await this.workspace.checkout(tip);
      await this.workspace.beginChange();
      const change = await work(this.tree);
      if (!change.message) return change.result;
      const commit = await this.workspace.commit(tip, change.message, authorOf(change.actor));
      if (await this.workspace.push(commit)) {
        this.log.debug(`GitRegistry.write: ${change.message} (${commit})`);
        return change.result;
      }
      if (attempt >= maxAttempts) {
        throw new RegistryConflictError(
          `could not push "${change.message}" to ${this.remote}/${this.branch}: ` +
            `other writers moved the branch first ${attempt} times in a row; try again`,
        );
      }
      const delay = this.backoff(attempt);
      this.log.debug(`GitRegistry.write: ${this.branch} moved; retrying in ${delay} ms`);
      await sleep(delay);
    }
  }

  /** Half the exponential delay is fixed and half random, so racing writers spread out. */
  private backoff(attempt: number): number {
    const base = this.options.baseDelayMs ?? 200;
    const ceiling = Math.min(this.options.maxDelayMs ?? 5000, base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** One operation at a time per workspace, across processes too: they share the scratch tree. */
  private async session<T>(work: () => Promise<T>): Promise<T> {
    await this.workspace.prepare();
    let lost: Error | undefined;
    const release = await lockfile.lock(this.area, {
      realpath: false,
      lockfilePath: join(this.area, 'session.lock'),
      stale: this.options.staleLockMs ?? 10_000,
      retries: SESSION_LOCK,
      onCompromised: (error) => {
        lost = error;
      },
    });
    try {
      const result = await work();
      if (lost) throw new Error(`lost the lock on ${this.area}: ${lost.message}`);
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }
}

function authorOf(actor: string | undefined): { name: string; email: string } {
  const name = (actor ?? '').replace(/[<>\n\r]/g, '').trim();
  if (!name) return ENVOY_AUTHOR;
  const login = name.replace(/[^A-Za-z0-9-]/g, '-');
  return { name, email: `${login}@users.noreply.github.com` };
}

import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError, UserError, lastLines, type ToolOutput, type ToolRunner } from '@envoy/core';

export const ENVOY_AUTHOR = { name: 'Envoy', email: 'envoy@users.noreply.github.com' };

/** Push failures that mean "someone else moved the branch first": fetch and try again. */
const LOST_RACE =
  /non-fast-forward|fetch first|\(failed to update ref\)|cannot lock ref|stale info|incorrect old value/i;
const MISSING_BRANCH = /couldn't find remote ref/i;

export interface BranchLocation {
  /** The user's repository (its work tree or any folder inside it). */
  root: string;
  remote: string;
  branch: string;
  /** Private scratch space: an index file and a work tree holding the branch's files. */
  area: string;
}

/**
 * One branch of the user's repository, checked out into a private work tree with a private
 * index, so the user's checkout, index and HEAD are never touched. Commits are made with
 * plumbing (`write-tree`, `commit-tree`) and pushed by commit id; the remote accepts a push
 * only when it fast-forwards, which makes every push a compare-and-swap on the branch tip.
 */
export class BranchWorkspace {
  readonly workTree: string;
  private readonly indexFile: string;
  /** Present while the work tree may differ from the index (a change or checkout underway). */
  private readonly unfinishedMarker: string;
  private gitDir?: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly location: BranchLocation,
    private readonly tools: ToolRunner,
  ) {
    this.workTree = join(location.area, 'tree');
    this.indexFile = join(location.area, 'index');
    this.unfinishedMarker = join(location.area, 'unfinished');
    this.env = { ...withoutGitOverrides(process.env), GIT_TERMINAL_PROMPT: '0' };
  }

  get trackingRef(): string {
    return `refs/remotes/${this.location.remote}/${this.location.branch}`;
  }

  /** Finds the repository and checks the remote and branch; run once before anything else. */
  async prepare(): Promise<void> {
    if (this.gitDir) return;
    const { root, remote, branch, area } = this.location;
    const found = await this.tools.run('git', ['-C', root, 'rev-parse', '--absolute-git-dir'], {
      env: this.env,
      allowFailure: true,
    });
    if (found.exitCode !== 0) {
      throw new UserError(`the git registry needs a git repository at ${root}, found none`);
    }
    const gitDir = found.stdout.trim();
    await this.expect(
      ['-C', root, 'remote', 'get-url', remote],
      `remote '${remote}' is not configured in ${root}; add it or set registry.remote`,
    );
    await this.expect(
      ['check-ref-format', `refs/heads/${branch}`],
      `registry branch ${JSON.stringify(branch)} is not a valid git branch name`,
    );
    await mkdir(this.workTree, { recursive: true });
    await writeFile(join(area, '.gitignore'), '*\n');
    this.gitDir = gitDir;
  }

  /** Fetches the branch; returns its tip, or undefined when the branch does not exist yet. */
  async fetchTip(): Promise<string | undefined> {
    const { remote, branch } = this.location;
    const refspec = `+refs/heads/${branch}:${this.trackingRef}`;
    const args = [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-auto-maintenance',
    ];
    args.push(remote, refspec);
    const fetched = await this.git(args, { allowFailure: true });
    if (fetched.exitCode !== 0) {
      if (MISSING_BRANCH.test(fetched.stderr)) return undefined;
      throw toolError(args, fetched);
    }
    return (
      await this.git(['rev-parse', '--verify', `${this.trackingRef}^{commit}`])
    ).stdout.trim();
  }

  /** Makes the private work tree hold exactly `tip`'s files (nothing for a new branch). */
  async checkout(tip: string | undefined): Promise<void> {
    // Any index.lock is stale: the session lock keeps other Envoy processes out.
    await rm(`${this.indexFile}.lock`, { force: true });
    const recovering = await exists(this.unfinishedMarker);
    await writeFile(this.unfinishedMarker, '');
    if (recovering) {
      // A change or checkout was cut short: let the index see its files, so read-tree
      // replaces or removes them, and clean away what it does not know.
      await this.git(['add', '--all', '--force', '--', '.']);
    }
    await this.git(tip ? ['read-tree', '--reset', '-u', tip] : ['read-tree', '--empty']);
    if (recovering || !tip) await this.git(['clean', '-ffdxq', '--', '.']);
    await rm(this.unfinishedMarker);
  }

  /** Call before changing files in the work tree; commit() marks the change finished. */
  beginChange(): Promise<void> {
    return writeFile(this.unfinishedMarker, '');
  }

  /** Commits the work tree on top of `tip`. */
  async commit(
    tip: string | undefined,
    message: string,
    author: { name: string; email: string },
  ): Promise<string> {
    await this.git(['add', '--all', '--force', '--', '.']);
    const tree = (await this.git(['write-tree'])).stdout.trim();
    const parents = tip ? ['-p', tip] : [];
    const created = await this.git(['commit-tree', tree, ...parents, '-m', message], {
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: ENVOY_AUTHOR.name,
        GIT_COMMITTER_EMAIL: ENVOY_AUTHOR.email,
      },
    });
    await rm(this.unfinishedMarker);
    return created.stdout.trim();
  }

  /** Pushes `commit` as the branch's new tip; false when another writer moved the tip first. */
  async push(commit: string): Promise<boolean> {
    const { remote, branch } = this.location;
    const args = ['push', '--quiet', '--no-verify', remote, `${commit}:refs/heads/${branch}`];
    const pushed = await this.git(args, { allowFailure: true });
    if (pushed.exitCode === 0) return true;
    if (LOST_RACE.test(pushed.stderr)) return false;
    throw toolError(args, pushed);
  }

  private git(
    args: string[],
    options: { allowFailure?: boolean; env?: Record<string, string> } = {},
  ): Promise<ToolOutput> {
    if (!this.gitDir) throw new Error('BranchWorkspace.prepare() must run first');
    const fixed = ['-C', this.workTree, '--git-dir', this.gitDir, '--work-tree', this.workTree];
    return this.tools.run('git', [...fixed, '-c', 'core.sparseCheckout=false', ...args], {
      env: { ...this.env, GIT_INDEX_FILE: this.indexFile, ...options.env },
      allowFailure: options.allowFailure,
    });
  }

  private async expect(args: string[], problem: string): Promise<void> {
    const output = await this.tools.run('git', args, { env: this.env, allowFailure: true });
    if (output.exitCode !== 0) throw new UserError(problem);
  }
}

function toolError(args: string[], output: ToolOutput): ToolError {
  return new ToolError('git', args, output.exitCode, lastLines(output.stderr));
}

/** Git variables from a surrounding hook or script would point git at another repository. */
function withoutGitOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const names = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX'];
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

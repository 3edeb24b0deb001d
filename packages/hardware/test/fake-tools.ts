import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessToolRunner } from '@envoy/core';
import type { Log, ToolRunner } from '@envoy/core';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** The absolute path of a real command, so fake tools work with nothing else on PATH. */
export function realCommand(name: string): string {
  for (const folder of (process.env['PATH'] ?? '').split(delimiter)) {
    const path = join(folder, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`${name} is not on PATH`);
}

/**
 * A folder of small shell scripts standing in for vendor tools. It is the whole PATH of the
 * runner it hands out, so a tool not written here is missing.
 */
export class FakeTools {
  private constructor(readonly folder: string) {}

  static async create(): Promise<FakeTools> {
    return new FakeTools(await mkdtemp(join(tmpdir(), 'envoy-fake-tools-')));
  }

  async script(name: string, body: string): Promise<void> {
    const path = join(this.folder, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
  }

  /** A tool that prints a fixture file and exits 0. */
  async printing(name: string, fixtureName: string): Promise<void> {
    await this.script(name, `exec ${realCommand('cat')} '${fixture(fixtureName)}'`);
  }

  env(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: this.folder };
  }

  /** The real ProcessToolRunner, with this folder as its PATH. */
  runner(log?: Log): ToolRunner {
    const real = new ProcessToolRunner(log);
    return {
      run: (tool, args, options = {}) => real.run(tool, args, { ...options, env: this.env() }),
    };
  }

  async remove(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }
}

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KILL_GRACE_MS,
  ProcessToolRunner,
  ToolError,
  ToolMissingError,
  ToolTimeoutError,
} from '../src/index.js';

const activeTimers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('ProcessToolRunner', () => {
  const tools = new ProcessToolRunner();

  it('returns what the tool printed, given argv words verbatim (no shell)', async () => {
    const output = await tools.run('node', ['-e', 'console.log(process.argv[1])', '$HOME; echo x']);
    expect(output).toEqual({ exitCode: 0, stdout: '$HOME; echo x\n', stderr: '' });
  });

  it('passes standard input', async () => {
    const output = await tools.run('node', ['-e', 'process.stdin.pipe(process.stdout)'], {
      input: 'model',
    });
    expect(output.stdout).toBe('model');
  });

  it('fails with the last lines of stderr', async () => {
    const failing = tools.run('node', ['-e', 'console.error("a\\nb\\nreason"); process.exit(3)']);
    await expect(failing).rejects.toThrow(ToolError);
    await expect(failing).rejects.toMatchObject({ exitCode: 3, stderrTail: 'a\nb\nreason' });
  });

  it('returns a failure instead of throwing when allowed', async () => {
    const output = await tools.run('node', ['-e', 'process.exit(4)'], { allowFailure: true });
    expect(output.exitCode).toBe(4);
  });

  it('says a missing tool is missing and leaves no timer behind', async () => {
    const before = activeTimers();
    await expect(tools.run('envoy-no-such-tool', [], { timeoutMs: 60_000 })).rejects.toThrow(
      ToolMissingError,
    );
    expect(activeTimers()).toBe(before);
  });

  it('stops a tool that outlives its timeout', async () => {
    const slow = tools.run('node', ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 });
    await expect(slow).rejects.toMatchObject({ exitCode: 128 });
  });
});

describe('ProcessToolRunner under a deadline', () => {
  const tools = new ProcessToolRunner();
  const signalListeners = () => STOP_EVENTS.map((event) => process.listenerCount(event));
  const before = signalListeners();

  it.each([
    ['leaves on SIGTERM', 'sleep 1000 & echo $! > "$1"; wait'],
    ['ignores SIGTERM', 'trap "" TERM; sleep 1000 & echo $! > "$1"; wait'],
  ])(
    'settles at the deadline and stops a grandchild that %s',
    async (_, script) => {
      const pidFile = join(await scratch(), 'grandchild.pid');
      const run = tools.run('sh', ['-c', `echo starting >&2; ${script}`, 'sh', pidFile], {
        timeoutMs: 500,
      });

      const error = await run.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolTimeoutError);
      expect(error).toBeInstanceOf(ToolError);
      expect(error).toMatchObject({
        exitCode: 128,
        message: expect.stringMatching(/^sh -c .* timed out after 0\.5 s: starting$/),
        output: { stderr: 'starting\n' },
      });
      const grandchild = Number(await readFile(pidFile, 'utf8'));
      await waitUntil(() => !isRunning(grandchild), KILL_GRACE_MS + 3000);
      // Its group stays tracked (killed should Envoy exit) until the SIGKILL after the grace.
      await waitUntil(() => signalListeners().every((count, at) => count === before[at]), 3000);
    },
    20_000,
  );

  it('keeps today’s behaviour without a deadline: the tool shares Envoy’s process group', async () => {
    const output = await tools.run('sh', ['-c', 'ps -o pgid= -p $$']);
    expect(Number(output.stdout)).toBe(processGroupOf(process.pid));
  });

  it('runs the tool in its own process group under a deadline', async () => {
    const output = await tools.run('sh', ['-c', 'echo $$; ps -o pgid= -p $$'], {
      timeoutMs: 10_000,
    });
    const [pid, group] = output.stdout.trim().split(/\s+/).map(Number);
    expect(group).toBe(pid);
    expect(signalListeners()).toEqual(before);
  });

  describe('when Envoy stops while the tool runs', () => {
    let worker = '';
    beforeAll(async () => {
      worker = await buildWorker();
    });

    it.each(['exit', 'SIGINT', 'SIGTERM'] as const)(
      'kills the tool’s group on %s',
      async (ending) => {
        const pidFile = join(await scratch(), 'grandchild.pid');
        const child = spawn(process.execPath, [worker, pidFile, ending], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
        await once(child.stdout, 'data');
        if (ending !== 'exit') child.kill(ending);

        const [code, signal] = await exited;
        expect(ending === 'exit' ? code : signal).toBe(ending === 'exit' ? 0 : ending);
        const grandchild = Number(await readFile(pidFile, 'utf8'));
        await waitUntil(() => !isRunning(grandchild), 5000);
      },
      20_000,
    );
  });
});

const STOP_EVENTS = ['exit', 'SIGINT', 'SIGTERM'] as const;

const scratchFolders: string[] = [];
afterAll(() => Promise.all(scratchFolders.map((folder) => rm(folder, { recursive: true }))));

async function scratch(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'envoy-exec-'));
  scratchFolders.push(folder);
  return folder;
}

/**
 * Whether a process still runs: signal 0 finds it (no ESRCH) and it is not a zombie. A killed
 * grandchild is reparented to init, and some containers' init reaps zombies only now and then.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function processGroupOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }));
}

async function waitUntil(condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still not so after ${withinMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * A stand-in for Envoy: starts a tool under a long deadline that leaves a grandchild, prints
 * "ready" once the grandchild's pid is written, then exits at once (`exit`) or waits for a signal.
 */
async function buildWorker(): Promise<string> {
  const folder = await scratch();
  const source = join(folder, 'worker.ts');
  const exec = fileURLToPath(new URL('../src/exec.ts', import.meta.url));
  await writeFile(
    source,
    [
      `import { readFileSync } from 'node:fs';`,
      `import { ProcessToolRunner } from ${JSON.stringify(exec)};`,
      `const [pidFile, ending] = process.argv.slice(2);`,
      `const script = 'sleep 1000 & echo $! > "$1"; wait';`,
      `new ProcessToolRunner()`,
      `  .run('sh', ['-c', script, 'sh', pidFile], { timeoutMs: 600_000 })`,
      `  .catch(() => undefined);`,
      `const started = setInterval(() => {`,
      `  let pid = '';`,
      `  try { pid = readFileSync(pidFile, 'utf8').trim(); } catch {}`,
      `  if (!pid) return;`,
      `  clearInterval(started);`,
      `  console.log('ready');`,
      `  if (ending === 'exit') process.exit(0);`,
      `}, 20);`,
    ].join('\n'),
  );
  const file = join(folder, 'worker.mjs');
  await build({ input: source, platform: 'node', logLevel: 'silent', output: { file } });
  return file;
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ToolError } from './errors.js';
import type { Log } from './log.js';

export interface ToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the tool's standard input. */
  input?: string;
  /** Return a non-zero exit instead of throwing. A timeout still throws. */
  allowFailure?: boolean;
  /**
   * Stops the tool, and every process it started, after this long: it then runs in its own
   * process group, which gets SIGTERM at the deadline and SIGKILL after `KILL_GRACE_MS`. The run
   * fails with `ToolTimeoutError` at the deadline, without waiting for the pipes to close.
   */
  timeoutMs?: number;
}

export interface ToolOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs external tools: argv arrays only, never a shell string. Tests substitute their own
 * runner or put fake tools first on PATH.
 */
export interface ToolRunner {
  run(tool: string, args: readonly string[], options?: ToolOptions): Promise<ToolOutput>;
}

/** Thrown when a tool is not installed. Callers that probe for tools treat it as "absent". */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';

  constructor(readonly tool: string) {
    super(`${tool} is not installed or not on PATH`);
  }
}

/** The exit code given to a tool that a signal ended. */
const SIGNALLED_EXIT_CODE = 128;

/** Thrown when a tool runs past its `timeoutMs`; `output` is what it printed until then. */
export class ToolTimeoutError extends ToolError {
  override name = 'ToolTimeoutError';

  constructor(
    tool: string,
    args: readonly string[],
    readonly timeoutMs: number,
    readonly output: ToolOutput,
  ) {
    super(tool, args, output.exitCode, lastLines(output.stderr));
    this.message =
      `${tool} ${args.join(' ')} timed out after ${timeoutMs / 1000} s` +
      (this.stderrTail ? `: ${this.stderrTail}` : '');
  }
}

const STDERR_TAIL_LINES = 5;

/** How long a timed-out tool's process group gets to exit on SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 2000;

export function lastLines(text: string, count = STDERR_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** The real runner, on child_process.spawn. */
export class ProcessToolRunner implements ToolRunner {
  constructor(private readonly log?: Log) {}

  run(tool: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolOutput> {
    this.log?.debug(`ProcessToolRunner.run: ${[tool, ...args].map(quoteForLog).join(' ')}`);
    return new Promise((resolve, reject) => {
      const { timeoutMs } = options;
      // Windows has no process groups to signal: there only the tool itself is stopped.
      const ownGroup = Boolean(timeoutMs) && process.platform !== 'win32';
      const child = spawn(tool, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: ownGroup,
      });
      const group = ownGroup ? child.pid : undefined;
      if (group !== undefined) trackGroup(group);
      const printed = collectOutput(child);
      let settled = false;
      let timedOut = false;
      const release = () => {
        if (group !== undefined && !timedOut) releaseGroup(group);
      };
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        finish();
      };
      // Not spawn's own `timeout`: its timer outlives a tool that never started (ENOENT).
      const timer = timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            stopAtDeadline(child, group);
            const output = { exitCode: SIGNALLED_EXIT_CODE, ...printed() };
            settle(() => reject(new ToolTimeoutError(tool, args, timeoutMs, output)));
          }, timeoutMs)
        : undefined;
      child.on('error', (error: NodeJS.ErrnoException) => {
        release();
        settle(() => reject(error.code === 'ENOENT' ? new ToolMissingError(tool) : error));
      });
      child.on('close', (code, signal) => {
        release();
        const output = { exitCode: code ?? (signal ? SIGNALLED_EXIT_CODE : 1), ...printed() };
        const failed = output.exitCode !== 0 && !options.allowFailure;
        settle(() =>
          failed
            ? reject(new ToolError(tool, args, output.exitCode, lastLines(output.stderr)))
            : resolve(output),
        );
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }
}

/** Gathers what a tool prints; the returned function reads it so far. */
function collectOutput(child: ChildProcessWithoutNullStreams): () => Omit<ToolOutput, 'exitCode'> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return () => ({
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  });
}

/**
 * Stops a tool at its deadline: SIGTERM to its group now, SIGKILL after the grace (Envoy need
 * not stay up for that: see killLiveGroups). A process the tool started may hold the pipes
 * open, so they are closed on this side rather than waited for.
 */
function stopAtDeadline(child: ChildProcessWithoutNullStreams, group: number | undefined): void {
  if (group === undefined) {
    child.kill('SIGTERM');
  } else {
    signalGroup(group, 'SIGTERM');
    const kill = setTimeout(() => {
      signalGroup(group, 'SIGKILL');
      releaseGroup(group);
    }, KILL_GRACE_MS);
    kill.unref();
  }
  child.stdout.destroy();
  child.stderr.destroy();
}

/**
 * Process groups (named by their leader's pid) of tools running under a deadline. Started
 * detached, they miss the terminal's Ctrl-C, so Envoy kills them if it exits or is stopped
 * while they run.
 */
const liveGroups = new Set<number>();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function trackGroup(group: number): void {
  if (liveGroups.size === 0) {
    process.on('exit', killLiveGroups);
    for (const signal of STOP_SIGNALS) process.on(signal, killLiveGroups);
  }
  liveGroups.add(group);
}

function releaseGroup(group: number): void {
  if (!liveGroups.delete(group) || liveGroups.size > 0) return;
  process.off('exit', killLiveGroups);
  for (const signal of STOP_SIGNALS) process.off(signal, killLiveGroups);
}

/**
 * The one process-level handler, on exit, SIGINT and SIGTERM: kills every live group. Listening
 * to a signal replaces Node's default of ending the process, so when no other listener is left
 * the signal is raised again to end Envoy as it would have ended.
 */
function killLiveGroups(event: NodeJS.Signals | number): void {
  for (const group of [...liveGroups]) {
    signalGroup(group, 'SIGKILL');
    releaseGroup(group);
  }
  if (typeof event === 'string' && process.listenerCount(event) === 0) {
    process.kill(process.pid, event);
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone (ESRCH), or holding only processes not ours to signal (EPERM).
  }
}

function quoteForLog(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}

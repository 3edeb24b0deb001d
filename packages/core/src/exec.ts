import { spawn } from 'node:child_process';
import { ToolError } from './errors.js';
import type { Log } from './log.js';

export interface ToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the tool's standard input. */
  input?: string;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
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

const STDERR_TAIL_LINES = 5;

export function lastLines(text: string, count = STDERR_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** The real runner, on child_process.spawn. */
export class ProcessToolRunner implements ToolRunner {
  constructor(private readonly log?: Log) {}

  run(tool: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolOutput> {
    this.log?.debug(`ProcessToolRunner.run: ${[tool, ...args].map(quoteForLog).join(' ')}`);
    return new Promise((resolve, reject) => {
      const child = spawn(tool, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      // Not spawn's own `timeout`: its timer outlives a tool that never started (ENOENT).
      const timer = options.timeoutMs
        ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs)
        : undefined;
      const stopTimer = () => clearTimeout(timer);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        stopTimer();
        reject(error.code === 'ENOENT' ? new ToolMissingError(tool) : error);
      });
      child.on('close', (code, signal) => {
        stopTimer();
        const output = {
          exitCode: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        };
        if (output.exitCode !== 0 && !options.allowFailure) {
          reject(new ToolError(tool, args, output.exitCode, lastLines(output.stderr)));
          return;
        }
        resolve(output);
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }
}

function quoteForLog(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastLines } from '@envoy/core';

/** A server process started detached, so it outlives the command that deployed it. */
export interface ServerProcess {
  pid: number;
  argv: string[];
  logFile: string;
  /** Why the process is gone, once it has exited or failed to start. */
  exited(): string | undefined;
}

/**
 * The server's environment: the caller's, less the Actions runner's tracking id, which the
 * runner uses to kill every process a job left behind when the job ends.
 */
export function serverEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { RUNNER_TRACKING_ID: _runnerTrackingId, ...rest } = env;
  return rest;
}

/** Starts `argv` in its own process group, its output appended to `logFile`. */
export function startDetached(argv: string[], logFile: string): Promise<ServerProcess> {
  const [command, ...args] = argv;
  if (!command) throw new Error('the server command is empty');
  const output = openSync(logFile, 'w');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', output, output],
      env: serverEnvironment(process.env),
    });
    let exit: string | undefined;
    child.on('exit', (code, signal) => {
      exit = signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
    });
    return new Promise((resolve, reject) => {
      child.once('error', (error) =>
        reject(new Error(`cannot start ${command}: ${error.message}`)),
      );
      child.once('spawn', () => {
        child.unref();
        resolve({ pid: child.pid!, argv, logFile, exited: () => exit });
      });
    });
  } finally {
    closeSync(output);
  }
}

/** Whether a process with this id exists and this user may signal it. */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM to the process group, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) signal(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(20);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  if (!isAlive(pid)) return false;
  try {
    process.kill(-pid, name);
  } catch {
    process.kill(pid, name);
  }
  return true;
}

/** Asks the system for a free port on `host`. */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The last lines of a server's log, for error messages. */
export async function logTail(logFile: string, lines = 15): Promise<string> {
  try {
    return lastLines(await readFile(logFile, 'utf8'), lines);
  } catch {
    return '';
  }
}

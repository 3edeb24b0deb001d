import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import {
  UserError,
  describeError,
  readJsonIfExists,
  writeJsonAtomic,
  type Log,
  type ModelVersion,
} from '@envoy/core';
import type { DeployTarget } from '@envoy/config';
import {
  findFreePort,
  isAlive,
  startDetached,
  stopProcess,
  type ServerProcess,
} from './process.js';
import { isReady, runSmokeTest, waitUntilReady } from './probe.js';
import { buildSmokeRequest } from './smoke.js';

export interface DeployEvent {
  event: 'deployed' | 'rolled-back' | 'stopped';
  time: string;
  version: number;
  digest: string;
  reason?: string;
}

/** What `<stateDir>/<target>.json` holds: the version a target serves, and its history. */
export interface DeployRecord {
  target: string;
  model: string;
  version: number;
  digest: string;
  url: string;
  /** The server's process id; 0 once stopped. */
  pid: number;
  startedAt: string;
  /** The server's full argv, so a server stopped to free a fixed port can be restarted. */
  command: string[];
  logFile: string;
  history: DeployEvent[];
}

export interface DeployRequest {
  target: DeployTarget;
  model: ModelVersion;
  modelFile: string;
  /** Where records and server logs live, e.g. `<root>/.envoy/deployments`. */
  stateDir: string;
  /** argv prefix that starts a server; deploy appends --model-file, --model-name, --version, --host, --port. */
  serverCommand: string[];
  /** The smoke inference request; built from the model's signature when absent. */
  smokeRequest?: unknown;
  now?: () => Date;
}

export interface DeployOutcome {
  /** Where the target is served now (the old server's URL after a rollback). */
  url: string;
  /** The version this deploy was asked for. */
  version: number;
  status: 'deployed' | 'unchanged' | 'rolled-back';
  /** The version served before this deploy, if any. */
  previousVersion?: number;
  reason?: string;
}

export function recordPath(stateDir: string, target: string): string {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(target)) {
    throw new UserError(
      `deploy target name "${target}" may hold only letters, digits, ".", "_" and "-"`,
    );
  }
  return join(stateDir, `${target}.json`);
}

export function readDeployRecord(
  stateDir: string,
  target: string,
): Promise<DeployRecord | undefined> {
  return readJsonIfExists<DeployRecord>(recordPath(stateDir, target));
}

/**
 * Deploys a model version to a `local` target: starts a new server, waits until it is
 * ready, sends a smoke inference, then switches the target's record to it and stops the
 * old server. When the new server fails, it is stopped and the old one keeps serving.
 */
export async function deployLocal(
  request: DeployRequest,
  deps: { log: Log },
): Promise<DeployOutcome> {
  const smokeRequest = request.smokeRequest ?? defaultSmokeRequest(request);
  return withTargetLock(request.stateDir, request.target.name, () =>
    deployUnderLock({ ...request, smokeRequest }, deps.log),
  );
}

function defaultSmokeRequest(request: DeployRequest): unknown {
  const { model, target } = request;
  if (!model.signature) {
    throw new UserError(
      `deploy target "${target.name}": ${model.model} v${model.version} has no recorded signature, so a smoke request must be given`,
    );
  }
  return buildSmokeRequest(model.signature, { dimensions: {}, inputs: {} });
}

async function deployUnderLock(request: DeployRequest, log: Log): Promise<DeployOutcome> {
  const { target, model, stateDir } = request;
  const now = request.now ?? (() => new Date());
  const previous = await readDeployRecord(stateDir, target.name);
  const previousServing = previous ? await isServing(previous) : false;
  const previousVersion = previous?.version;
  if (previous && previousServing && previous.digest === model.digest) {
    log.info(
      `${target.name}: ${model.model} v${previous.version} is already serving at ${previous.url}`,
    );
    return { url: previous.url, version: model.version, status: 'unchanged', previousVersion };
  }

  const port = target.port || (await findFreePort(target.host));
  const freesPort = previous !== undefined && previousServing && urlPort(previous.url) === port;
  if (freesPort) {
    log.warning(
      `${target.name}: port ${port} is fixed, so v${previousVersion} stops before v${model.version} starts`,
    );
    await stopProcess(previous.pid);
  }

  let server: ServerProcess | undefined;
  const url = `http://${hostForUrl(target.host)}:${port}`;
  try {
    server = await startServer(request, port);
    log.info(
      `${target.name}: started ${model.model} v${model.version} (pid ${server.pid}) at ${url}`,
    );
    await waitUntilReady(server, url, target.healthTimeoutSeconds);
    await runSmokeTest(url, model.model, request.smokeRequest);
  } catch (error) {
    const reason = describeError(error);
    log.warning(`${target.name}: ${model.model} v${model.version} failed, rolling back: ${reason}`);
    if (server) await stopProcess(server.pid);
    const kept =
      previous && (await keepPrevious(previous, freesPort, target.healthTimeoutSeconds, log));
    if (kept) {
      const event = deployEvent('rolled-back', model, now(), reason);
      await writeJsonAtomic(recordPath(stateDir, target.name), {
        ...kept,
        history: [...kept.history, event],
      });
    }
    return {
      url: kept?.url ?? '',
      version: model.version,
      status: 'rolled-back',
      previousVersion,
      reason,
    };
  }

  const record: DeployRecord = {
    target: target.name,
    model: model.model,
    version: model.version,
    digest: model.digest,
    url,
    pid: server.pid,
    startedAt: now().toISOString(),
    command: server.argv,
    logFile: server.logFile,
    history: [...(previous?.history ?? []), deployEvent('deployed', model, now())],
  };
  await writeJsonAtomic(recordPath(stateDir, target.name), record);
  if (previous && previousServing && !freesPort) await stopProcess(previous.pid);
  log.info(`${target.name}: ${model.model} v${model.version} serves at ${url}`);
  return { url, version: model.version, status: 'deployed', previousVersion };
}

function startServer(request: DeployRequest, port: number): Promise<ServerProcess> {
  const { model, target, stateDir } = request;
  const argv = [
    ...request.serverCommand,
    '--model-file',
    request.modelFile,
    '--model-name',
    model.model,
    '--version',
    String(model.version),
    '--host',
    target.host,
    '--port',
    String(port),
  ];
  return startDetached(argv, join(stateDir, `${target.name}-v${model.version}.log`));
}

/**
 * The record to keep after a failed deploy. A server stopped to free its fixed port is
 * started again from its recorded argv; it is undefined when nothing was deployed before.
 */
async function keepPrevious(
  previous: DeployRecord,
  wasStopped: boolean,
  timeoutSeconds: number,
  log: Log,
): Promise<DeployRecord> {
  if (!wasStopped) return previous;
  try {
    const restarted = await startDetached(previous.command, previous.logFile);
    await waitUntilReady(restarted, previous.url, timeoutSeconds);
    log.info(`${previous.target}: restarted v${previous.version} (pid ${restarted.pid})`);
    return { ...previous, pid: restarted.pid };
  } catch (error) {
    log.error(
      `${previous.target}: could not restart v${previous.version}: ${describeError(error)}`,
    );
    return { ...previous, pid: 0 };
  }
}

/** Whether the record's server is still ours: its process exists and it answers ready. */
async function isServing(record: DeployRecord): Promise<boolean> {
  return isAlive(record.pid) && (await isReady(record.url));
}

/** Stops a target's server, if it is running, and records that it was stopped. */
export async function stopLocalDeployment(stateDir: string, target: string): Promise<void> {
  await withTargetLock(stateDir, target, async () => {
    const record = await readDeployRecord(stateDir, target);
    if (!record) return;
    if (await isServing(record)) await stopProcess(record.pid);
    const event: DeployEvent = {
      event: 'stopped',
      time: new Date().toISOString(),
      version: record.version,
      digest: record.digest,
    };
    await writeJsonAtomic(recordPath(stateDir, target), {
      ...record,
      pid: 0,
      history: [...record.history, event],
    });
  });
}

function deployEvent(
  event: DeployEvent['event'],
  model: ModelVersion,
  time: Date,
  reason?: string,
): DeployEvent {
  return {
    event,
    time: time.toISOString(),
    version: model.version,
    digest: model.digest,
    ...(reason ? { reason } : {}),
  };
}

async function withTargetLock<T>(stateDir: string, target: string, work: () => Promise<T>) {
  const path = recordPath(stateDir, target);
  await mkdir(stateDir, { recursive: true });
  const release = await lockfile.lock(stateDir, {
    lockfilePath: `${path}.lock`,
    retries: { retries: 60, minTimeout: 500, maxTimeout: 1000 },
  });
  try {
    return await work();
  } finally {
    await release();
  }
}

function urlPort(url: string): number {
  return Number(new URL(url).port);
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

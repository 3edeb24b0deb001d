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
import { storeModelCopy, storedCopyProblem, type StoredModel } from './store.js';

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
  /** The host the target asked for (the URL names 127.0.0.1 for 0.0.0.0). */
  host: string;
  url: string;
  /** The server's process id; 0 once stopped, or when nothing serves. */
  pid: number;
  startedAt: string;
  /** The stored copy the server reads: `<stateDir>/models/<hex of digest>/<file name>`. */
  modelFile: string;
  /** `sha256:<hex>` of the stored copy's bytes when it was stored; checked before a restart. */
  fileSha256: string;
  /** The server's full argv, so a server stopped to free a fixed port can be restarted. */
  command: string[];
  logFile: string;
  history: DeployEvent[];
}

export interface DeployRequest {
  target: DeployTarget;
  model: ModelVersion;
  /** The model file to serve; deploy serves a stored copy of it, never this path. */
  modelFile: string;
  /** Where records, stored model copies and server logs live, e.g. `<root>/.envoy/deployments`. */
  stateDir: string;
  /** argv prefix that starts a server; deploy appends --model-file, --model-name, --version, --host, --port. */
  serverCommand: string[];
  /** The smoke inference request; built from the model's signature when absent. */
  smokeRequest?: unknown;
  now?: () => Date;
}

export interface DeployOutcome {
  /**
   * deployed: `version` serves at `url`. unchanged: `version` already served as the target
   * asks (same digest, host and fixed port), nothing was restarted. rolled-back: `version`
   * failed and was stopped; see `previousVersion` and `url` for what still serves.
   */
  status: 'deployed' | 'unchanged' | 'rolled-back';
  /** The version this deploy was asked for. After a rollback it is not the one serving. */
  version: number;
  /**
   * deployed: the version that served when the deploy began, undefined when none did.
   * unchanged: the same as `version`.
   * rolled-back: the version that still serves; undefined when nothing serves any more
   * (a first deploy failed, nothing served before, or the old server could not be restarted).
   */
  previousVersion?: number;
  /**
   * Where the target serves now: the new server after deployed, the running one after
   * unchanged, the kept (or restarted) old server after rolled-back, '' when nothing serves.
   */
  url: string;
  /** Set only on rolled-back: why the version failed and, when nothing serves, why. */
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
  const previous = await readDeployRecord(stateDir, target.name);
  const serving = previous && (await isServing(previous)) ? previous : undefined;
  if (serving && servesAsAsked(serving, request, log)) {
    const previousVersion = serving.version;
    return { url: serving.url, version: model.version, status: 'unchanged', previousVersion };
  }

  const stored = await storeModelCopy(stateDir, model, request.modelFile);
  const port = target.port || (await findFreePort(target.host));
  const stoppedServing = serving !== undefined && urlPort(serving.url) === port;
  if (stoppedServing) {
    log.warning(
      `${target.name}: port ${port} is fixed, so v${serving.version} stops before v${model.version} starts`,
    );
    await stopProcess(serving.pid);
  }

  let server: ServerProcess | undefined;
  const url = `http://${hostForUrl(target.host)}:${port}`;
  try {
    server = await startServer(request, stored.path, port);
    log.info(
      `${target.name}: started ${model.model} v${model.version} (pid ${server.pid}) at ${url}`,
    );
    await waitUntilReady(server, url, target.healthTimeoutSeconds);
    await runSmokeTest(url, model.model, request.smokeRequest);
  } catch (error) {
    if (server) await stopProcess(server.pid);
    const failure = { previous, serving, stoppedServing, reason: describeError(error) };
    return rollBack(request, failure, log);
  }
  await switchTo(request, { server, stored, url, previous }, log);
  if (serving && !stoppedServing) await stopProcess(serving.pid);
  return { url, version: model.version, status: 'deployed', previousVersion: serving?.version };
}

/** Whether a serving record already is what the target asks for: same bytes, host and fixed port. */
function servesAsAsked(serving: DeployRecord, request: DeployRequest, log: Log): boolean {
  const { target, model } = request;
  if (serving.digest !== model.digest) return false;
  const portMatches = target.port === 0 || urlPort(serving.url) === target.port;
  if (serving.host === target.host && portMatches) {
    log.info(
      `${target.name}: ${model.model} v${serving.version} is already serving at ${serving.url}`,
    );
    return true;
  }
  log.info(
    `${target.name}: v${serving.version} serves at ${serving.url}, but the target asks for host ${target.host}, port ${target.port || 'any'}; deploying it again`,
  );
  return false;
}

function startServer(request: DeployRequest, modelFile: string, port: number) {
  const { model, target, stateDir } = request;
  const argv = [
    ...request.serverCommand,
    '--model-file',
    modelFile,
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

interface NewServer {
  server: ServerProcess;
  stored: StoredModel;
  url: string;
  previous: DeployRecord | undefined;
}

/** Points the target's record at the new server. */
async function switchTo(request: DeployRequest, started: NewServer, log: Log): Promise<void> {
  const { target, model, stateDir } = request;
  const now = clock(request);
  const { server, stored, url, previous } = started;
  const record: DeployRecord = {
    target: target.name,
    model: model.model,
    version: model.version,
    digest: model.digest,
    host: target.host,
    url,
    pid: server.pid,
    startedAt: now().toISOString(),
    modelFile: stored.path,
    fileSha256: stored.sha256,
    command: server.argv,
    logFile: server.logFile,
    history: [...(previous?.history ?? []), deployEvent('deployed', model, now())],
  };
  // TODO: prune stored copies that no target's record or history references any more.
  await writeJsonAtomic(recordPath(stateDir, target.name), record);
  log.info(`${target.name}: ${model.model} v${model.version} serves at ${url}`);
}

interface DeployFailure {
  previous: DeployRecord | undefined;
  /** The previous record, when its server was serving as the deploy began. */
  serving: DeployRecord | undefined;
  /** Whether the serving server was stopped to free its fixed port. */
  stoppedServing: boolean;
  reason: string;
}

/**
 * After a failed deploy: keeps the serving server, or starts one stopped to free its fixed
 * port again from its stored model copy, and records a `rolled-back` event.
 */
async function rollBack(
  request: DeployRequest,
  failure: DeployFailure,
  log: Log,
): Promise<DeployOutcome> {
  const { target, model, stateDir } = request;
  const { previous, reason } = failure;
  log.warning(`${target.name}: ${model.model} v${model.version} failed, rolling back: ${reason}`);
  let kept = failure.serving;
  let nothingServes = `nothing serves ${target.name}`;
  if (kept && failure.stoppedServing) {
    const restart = await restartServer(kept, target.healthTimeoutSeconds);
    if ('pid' in restart) {
      log.info(`${target.name}: restarted v${kept.version} (pid ${restart.pid})`);
      kept = { ...kept, pid: restart.pid };
    } else {
      nothingServes = `v${kept.version} could not be restarted (${restart.problem}), so ${nothingServes}`;
      log.error(`${target.name}: ${nothingServes}`);
      kept = undefined;
    }
  }

  if (previous) {
    const event = deployEvent('rolled-back', model, clock(request)(), reason);
    const record = kept ?? { ...previous, pid: failure.stoppedServing ? 0 : previous.pid };
    await writeJsonAtomic(recordPath(stateDir, target.name), {
      ...record,
      history: [...record.history, event],
    });
  }
  return {
    url: kept?.url ?? '',
    version: model.version,
    status: 'rolled-back',
    previousVersion: kept?.version,
    reason: kept ? reason : `${reason}; ${nothingServes}`,
  };
}

/**
 * Starts a stopped server again from its record, only when the stored copy it reads still
 * holds the recorded bytes; returns its pid, or why it does not serve.
 */
async function restartServer(
  record: DeployRecord,
  timeoutSeconds: number,
): Promise<{ pid: number } | { problem: string }> {
  const problem =
    record.fileSha256 && record.command.includes(record.modelFile)
      ? await storedCopyProblem(record.modelFile, record.fileSha256)
      : 'its record names no stored model copy to start from';
  if (problem) return { problem };
  let server: ServerProcess | undefined;
  try {
    server = await startDetached(record.command, record.logFile);
    await waitUntilReady(server, record.url, timeoutSeconds);
    return { pid: server.pid };
  } catch (error) {
    if (server) await stopProcess(server.pid);
    return { problem: describeError(error) };
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

function clock(request: DeployRequest): () => Date {
  return request.now ?? (() => new Date());
}

function urlPort(url: string): number {
  return Number(new URL(url).port);
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

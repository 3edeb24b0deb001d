import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '@envoy/core';
import { logTail, type ServerProcess } from './process.js';

const PROBE_TIMEOUT_MS = 2000;

/** Whether `<url>/v2/health/ready` answers 200. */
export async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v2/health/ready`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Waits until the server is ready; fails early if it exits, with its log's last lines. */
export async function waitUntilReady(
  server: ServerProcess,
  url: string,
  timeoutSeconds: number,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (await isReady(url)) return;
    const exit = server.exited();
    if (exit)
      throw new Error(`the server stopped before it was ready (${exit})${await tail(server)}`);
    await sleep(100);
  }
  throw new Error(`the server was not ready within ${timeoutSeconds}s${await tail(server)}`);
}

async function tail(server: ServerProcess): Promise<string> {
  const text = await logTail(server.logFile);
  return text ? `; last lines of ${server.logFile}:\n${text}` : '';
}

/**
 * Sends one inference request and checks the answer: status 200 and a tensor for every
 * output the model declares.
 */
export async function runSmokeTest(url: string, model: string, body: unknown): Promise<void> {
  const base = `${url}/v2/models/${encodeURIComponent(model)}`;
  const metadata = await fetchJson(base, { method: 'GET' });
  const declared = (metadata.body as { outputs?: Array<{ name: string }> }).outputs ?? [];
  const answer = await fetchJson(`${base}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (answer.status !== 200) {
    throw new Error(`the smoke inference got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  const outputs = (answer.body as { outputs?: Array<{ name: string; data?: unknown }> }).outputs;
  const missing = declared.filter(
    (output) => !outputs?.some((got) => got.name === output.name && Array.isArray(got.data)),
  );
  if (missing.length > 0) {
    const names = missing.map((output) => output.name).join(', ');
    throw new Error(`the smoke inference returned no data for output ${names}`);
  }
}

async function fetchJson(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    throw new Error(`${init.method} ${url} failed: ${describeError(error)}`, { cause: error });
  }
}

import { UserError } from '@envoy/core';
import type { Endpoint } from './connection.js';
import type { LoadOptions, LoopMode } from './types.js';

/** One request, serialised once and sent over and over. */
export interface RequestTarget {
  /** `http://host:port`, what the connections connect to. */
  origin: string;
  path: string;
  body: Buffer;
  /** Name, value, name, value, ...: sent besides Host and Content-Length. */
  headers: string[];
  /** OpenAI: a Server-Sent Events answer whose tokens are timed. */
  streaming: boolean;
}

/** Far above what one process can send; a higher rate is a typo that would stall the loop. */
export const MAX_RATE = 1_000_000;

const JSON_HEADERS = ['content-type', 'application/json'];
const STREAM_HEADERS = ['content-type', 'application/json', 'accept', 'text/event-stream'];

/** Checks the options and serialises the request; user mistakes throw `UserError`. */
export function resolveTarget(options: Omit<LoadOptions, 'mode'>): RequestTarget {
  checkTimings(options);
  const base = parseBaseUrl(options.url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const query = base.search;

  if (options.protocol === 'open-inference') {
    const body = inferenceBody(options.body);
    const model = requireModel(options.model);
    const path = `${prefix}/v2/models/${encodeURIComponent(model)}/infer${query}`;
    return { origin: base.origin, path, body, headers: JSON_HEADERS, streaming: false };
  }
  if (options.protocol === 'openai') {
    const { body, chat } = completionBody(options.body, options.model);
    const path = `${prefix}/v1/${chat ? 'chat/completions' : 'completions'}${query}`;
    return { origin: base.origin, path, body, headers: STREAM_HEADERS, streaming: true };
  }
  throw new UserError(
    `loadgen: protocol must be 'open-inference' or 'openai', got ${JSON.stringify(options.protocol)}`,
  );
}

/** Host, port and scheme of the target's origin. */
export function endpointOf(target: RequestTarget): Endpoint {
  const origin = new URL(target.origin);
  const https = origin.protocol === 'https:';
  return {
    host: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: origin.port === '' ? (https ? 443 : 80) : Number(origin.port),
    tls: https,
  };
}

/** The whole HTTP/1.1 request as it goes on the wire, serialised once. */
export function requestBytes(target: RequestTarget): Buffer {
  const lines = [`POST ${target.path} HTTP/1.1`, `host: ${new URL(target.origin).host}`];
  for (let index = 0; index < target.headers.length; index += 2) {
    lines.push(`${target.headers[index]}: ${target.headers[index + 1]}`);
  }
  lines.push(`content-length: ${target.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), target.body]);
}

export function checkMode(mode: LoopMode): void {
  if (typeof mode !== 'object' || mode === null) {
    throw new UserError(
      `loadgen: mode must be { kind: 'closed' | 'open', ... }, got ${preview(mode)}`,
    );
  }
  if (mode.kind === 'closed') {
    requirePositiveInteger('mode.concurrency', mode.concurrency);
  } else if (mode.kind === 'open') {
    requirePositive('mode.rate', mode.rate);
    if (mode.rate > MAX_RATE) {
      throw new UserError(
        `loadgen: mode.rate must be at most ${MAX_RATE} requests per second, got ${mode.rate}`,
      );
    }
    if (mode.maxInFlight !== undefined)
      requirePositiveInteger('mode.maxInFlight', mode.maxInFlight);
  } else {
    const kind = JSON.stringify((mode as { kind: unknown }).kind);
    throw new UserError(`loadgen: mode.kind must be 'closed' or 'open', got ${kind}`);
  }
}

export function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(`loadgen: ${field} must be a whole number of at least 1, got ${value}`);
  }
}

export function requirePositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new UserError(`loadgen: ${field} must be a positive number, got ${value}`);
  }
}

function checkTimings(options: Omit<LoadOptions, 'mode'>): void {
  requirePositive('durationMs', options.durationMs);
  requirePositive('timeoutMs', options.timeoutMs);
  if (!Number.isFinite(options.warmupMs) || options.warmupMs < 0) {
    throw new UserError(`loadgen: warmupMs must be 0 or more, got ${options.warmupMs}`);
  }
  if (options.progressIntervalMs !== undefined) {
    requirePositive('progressIntervalMs', options.progressIntervalMs);
  }
}

function parseBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`loadgen: url is not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(
      `loadgen: url must start with http:// or https://, got ${JSON.stringify(url)}`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new UserError(
      `loadgen: url must not carry a user name or password (${parsed.protocol}//USER:PASSWORD@...): ` +
        'the URL is written into reports and logs',
    );
  }
  return parsed;
}

function requireModel(model: string | undefined): string {
  if (!model) {
    throw new UserError(
      'loadgen: protocol open-inference needs a model name (it is part of the path)',
    );
  }
  return model;
}

function inferenceBody(body: unknown): Buffer {
  if (!isRecord(body) || !Array.isArray(body.inputs)) {
    throw new UserError(
      'loadgen: protocol open-inference needs a body that is a v2 inference request with an ' +
        `"inputs" list, got ${preview(body)}`,
    );
  }
  return Buffer.from(JSON.stringify(body));
}

/** The OpenAI body with `stream: true` forced; a one-word prompt and 16 tokens unless given. */
function completionBody(body: unknown, model: string | undefined): { body: Buffer; chat: boolean } {
  if (body !== undefined && !isRecord(body)) {
    throw new UserError(`loadgen: the openai body must be a JSON object, got ${preview(body)}`);
  }
  const request: Record<string, unknown> = { ...body };
  const chat = Array.isArray(request.messages);
  if (!chat && request.prompt === undefined) request.prompt = 'Hello';
  if (request.max_tokens === undefined && request.max_completion_tokens === undefined) {
    request.max_tokens = 16;
  }
  if (request.model === undefined) {
    if (!model)
      throw new UserError('loadgen: protocol openai needs a model, in the body or as model');
    request.model = model;
  }
  request.stream = true;
  return { body: Buffer.from(JSON.stringify(request)), chat };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

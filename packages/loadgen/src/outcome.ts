import type { ErrorCounts } from './types.js';

/** How one request ended: `ok`, or the error bucket it is counted in. */
export type Outcome = 'ok' | keyof ErrorCounts;

/** 2xx is a success; 4xx and 5xx have their own buckets; anything else (3xx) is `other`. */
export function outcomeOfStatus(statusCode: number): Outcome {
  if (statusCode >= 200 && statusCode < 300) return 'ok';
  if (statusCode >= 500 && statusCode < 600) return 'http5xx';
  if (statusCode >= 400 && statusCode < 500) return 'http4xx';
  return 'other';
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT']);

/** A connection the server (or something between) closed or reset under a request. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Buckets a transport error; a refused connection or anything unknown is `other`. */
export function outcomeOfError(error: unknown): Outcome {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'other';
  if (TIMEOUT_CODES.has(code)) return 'timeouts';
  if (RESET_CODES.has(code)) return 'resets';
  return 'other';
}

export function emptyErrorCounts(): ErrorCounts {
  return { http5xx: 0, http4xx: 0, timeouts: 0, resets: 0, other: 0 };
}

export function totalErrors(errors: ErrorCounts): number {
  return errors.http5xx + errors.http4xx + errors.timeouts + errors.resets + errors.other;
}

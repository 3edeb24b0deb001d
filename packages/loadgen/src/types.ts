/** The wire protocol of the served model. */
export type Protocol = 'open-inference' | 'openai';

/**
 * How requests are issued. `closed`: `concurrency` workers, each sending its next request when
 * the previous one finishes. `open`: Poisson arrivals at `rate` requests per second, sent whether
 * or not earlier ones have returned; an arrival that finds `maxInFlight` requests outstanding is
 * not sent and counts as an error of kind `other`.
 */
export type LoopMode =
  { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number; maxInFlight?: number };

export interface LoadProgress {
  /** Since the run started, warm-up included. */
  elapsedMs: number;
  remainingMs: number;
  /** Requests finished per second over the last progress interval. */
  ratePerSecond: number;
  /** Requests finished (successfully / with an error) since the run started, warm-up included. */
  completed: number;
  errors: number;
}

export interface LoadOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8000` (a path prefix is kept). */
  url: string;
  protocol: Protocol;
  /** Model name: part of the v2 path; put in the OpenAI body when the body has none. */
  model?: string;
  /** A v2 inference request, or an OpenAI completion / chat completion body. */
  body?: unknown;
  mode: LoopMode;
  /** Length of the measured window, after the warm-up. */
  durationMs: number;
  /** Requests started during the warm-up are left out of every statistic. */
  warmupMs: number;
  /** Per request, from the moment it is sent; on expiry the request is aborted. */
  timeoutMs: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Default 5000. */
  progressIntervalMs?: number;
  /** Aborting stops the run; `runLoad` then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** All in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface ErrorCounts {
  http5xx: number;
  http4xx: number;
  timeouts: number;
  resets: number;
  other: number;
}

export interface LoadReport {
  mode: LoopMode;
  durationMs: number;
  /** Requests started in the measured window (sent or, in an open loop, refused). */
  requests: number;
  succeeded: number;
  errors: ErrorCounts;
  /** Successful requests per second of the measured window. */
  throughputPerSecond: number;
  /** Successful requests only. */
  latencyMs: LatencySummary;
  /** OpenAI streaming only: from send to the first token. */
  timeToFirstTokenMs?: LatencySummary;
  /** OpenAI streaming only: gaps between successive tokens of one answer. */
  interTokenMs?: LatencySummary;
  /** OpenAI streaming only: tokens of successful answers per second of the measured window. */
  tokensPerSecond?: number;
}

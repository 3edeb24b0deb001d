import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Log } from '@envoy/core';
import { DEFAULT_API_URL } from './context.js';

/** An authenticated Octokit with the REST methods, pagination, retries and throttling. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/**
 * How long the client waits. GitHub's defaults (seconds between retries, one second between
 * writes, three between writes that notify people) are right in production; tests shrink them.
 */
export interface ClientPacing {
  /** Milliseconds per unit of retry wait (retry-after seconds, backoff steps). Default 1000. */
  retryBaseMs?: number;
  /** Milliseconds between two writes (POST, PATCH, ...). Default: GitHub's advice. */
  writeIntervalMs?: number;
}

export interface GitHubClientOptions {
  token: string;
  /** Defaults to GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string;
  log: Log;
  /** How often a failed request is tried again (5xx, rate limits). Default 3. */
  retries?: number;
  pacing?: ClientPacing;
}

/** A rate limit asking for a longer wait than this fails the request instead of stalling the job. */
const MAX_RATE_LIMIT_WAIT_S = 300;

/**
 * Status codes the retry plugin leaves alone: client mistakes, and 429, which the throttling
 * plugin already retries after the wait GitHub asks for (retrying it twice would double up).
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/** Creates a GitHub client; the token and the credentials derived from it are masked first. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { token, log } = options;
  maskCredential(token, log);
  const retries = options.retries ?? 3;
  const retryBaseMs = options.pacing?.retryBaseMs ?? 1000;
  const baseUrl = (options.apiUrl ?? process.env['GITHUB_API_URL'] ?? DEFAULT_API_URL).replace(
    /\/+$/,
    '',
  );
  const client = getOctokit(
    token,
    {
      baseUrl,
      userAgent: 'envoy',
      log: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.debug(message),
        warn: (message: string) => log.warning(message),
        error: (message: string) => log.error(message),
      },
      retry: { retries, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: retryBaseMs },
      throttle: {
        retryAfterBaseValue: retryBaseMs,
        ...writeGroups(options.pacing?.writeIntervalMs),
        onRateLimit: (after, request, _octokit, count) =>
          retryRateLimited('rate limit', after, request, count, retries, log),
        onSecondaryRateLimit: (after, request, _octokit, count) =>
          retryRateLimited('secondary rate limit', after, request, count, retries, log),
      },
    },
    retry,
    throttling,
  );
  logRequests(client, log);
  return client;
}

function writeGroups(intervalMs: number | undefined): {
  write?: Bottleneck.Group;
  notifications?: Bottleneck.Group;
} {
  if (intervalMs === undefined) return {};
  return {
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: intervalMs }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: intervalMs }),
  };
}

function retryRateLimited(
  limit: string,
  afterSeconds: number,
  request: { method: string; url: string },
  retryCount: number,
  retries: number,
  log: Log,
): boolean {
  const what = `GitHub ${limit} hit by ${request.method} ${request.url}`;
  if (retryCount >= retries || afterSeconds > MAX_RATE_LIMIT_WAIT_S) {
    log.warning(`${what}; giving up after ${retryCount} retries (reset in ${afterSeconds}s)`);
    return false;
  }
  log.info(`${what}; retrying in ${afterSeconds}s (retry ${retryCount + 1} of ${retries})`);
  return true;
}

/** One debug line per HTTP attempt: method, path and status; never headers or bodies. */
function logRequests(client: GitHubClient, log: Log): void {
  client.hook.after('request', (response, request) => {
    log.debug(`GitHub ${request.method} ${request.url} → ${response.status}`);
  });
  client.hook.error('request', (error, request) => {
    const status = (error as { status?: number }).status ?? 'no answer';
    log.debug(`GitHub ${request.method} ${request.url} → ${status}`);
    throw error;
  });
}

/**
 * Masks a token and every credential derived from it that could reach a log: the basic-auth
 * forms git and curl send (`x-access-token:<token>`, `<token>:`, `:<token>`) in base64, as
 * `git -c http.extraheader="AUTHORIZATION: basic <base64>"` carries them, and the bare base64.
 */
export function maskCredential(token: string, log: Log): void {
  const secret = token.trim();
  if (secret === '') return;
  log.mask(secret);
  for (const form of [`x-access-token:${secret}`, `${secret}:`, `:${secret}`, secret]) {
    log.mask(Buffer.from(form, 'utf8').toString('base64'));
  }
}

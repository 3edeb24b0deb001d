import { MemoryLog } from '@envoy/core';
import { createGitHubClient, type GitHubClient } from '../src/index.js';
import type { FakeGitHub } from '../../../test/support/fake-github.js';

/** A client aimed at the fake GitHub, with waits shrunk to milliseconds. */
export function fakeClient(
  fake: FakeGitHub,
  options: { token?: string; log?: MemoryLog; retries?: number } = {},
): { client: GitHubClient; log: MemoryLog } {
  const log = options.log ?? new MemoryLog();
  const client = createGitHubClient({
    token: options.token ?? 'ghs_fakeActionsToken123',
    apiUrl: fake.url,
    log,
    retries: options.retries,
    pacing: { retryBaseMs: 5, writeIntervalMs: 0 },
  });
  return { client, log };
}

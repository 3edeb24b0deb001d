import { describe, expect, it } from 'vitest';
import { serverEnvironment } from '../src/process.js';

describe('serverEnvironment', () => {
  it('drops the runner tracking id so the Actions runner does not kill the server with the job', () => {
    const env = serverEnvironment({
      RUNNER_TRACKING_ID: 'github_123',
      PATH: '/usr/bin',
      HOME: '/root',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root' });
  });
});

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type ErrorCounts, type LoadOptions } from '../src/index.js';
import { startModelServer, type ModelServer } from './model-server.js';

const BODY = { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] };

/**
 * For assertions on timing: on a shared machine a stall of tens of milliseconds in either
 * process can land on the few samples behind a p99. A measurement that is really wrong fails
 * every try.
 */
const TIMING = { retry: 2 };

function options(url: string, model: string, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return {
    url,
    protocol: 'open-inference',
    model,
    body: BODY,
    mode: { kind: 'closed', concurrency: 2 },
    durationMs: 600,
    warmupMs: 0,
    timeoutMs: 150,
    ...overrides,
  };
}

describe('failed requests are counted in their bucket and the run completes', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ behaviour: 'faults' });
  });
  afterAll(() => server.close());

  it.each<[string, keyof ErrorCounts]>([
    ['500', 'http5xx'],
    ['404', 'http4xx'],
    ['hang', 'timeouts'],
    ['drop', 'resets'],
    ['redirect', 'other'],
  ])('model %s: every request counts as %s', async (model, bucket) => {
    const report = await runLoad(options(server.url, model));

    expect(report.succeeded).toBe(0);
    expect(report.errors[bucket]).toBeGreaterThan(0);
    expect(report.errors[bucket]).toBe(report.requests);
    expect(report.latencyMs.count).toBe(0);
  });

  it('a mix of answers, 500s, hangs and drops: each lands in its own bucket', async () => {
    const report = await runLoad(options(server.url, 'cycle', { durationMs: 1000 }));
    const { http5xx, http4xx, timeouts, resets, other } = report.errors;

    expect(report.succeeded).toBeGreaterThan(0);
    expect(http5xx).toBeGreaterThan(0);
    expect(timeouts).toBeGreaterThan(0);
    expect(resets).toBeGreaterThan(0);
    expect(http4xx + other).toBe(0);
    expect(report.succeeded + http5xx + timeouts + resets).toBe(report.requests);
  });

  it(
    'a timeout is enforced on each request: a hung request ends after about timeoutMs',
    TIMING,
    async () => {
      const report = await runLoad(
        options(server.url, 'hang', { mode: { kind: 'closed', concurrency: 1 }, durationMs: 1000 }),
      );

      // One worker, 150 ms per timed-out request: about six in a second.
      expect(report.errors.timeouts).toBeGreaterThanOrEqual(4);
      expect(report.errors.timeouts).toBeLessThanOrEqual(7);
    },
  );

  it('open loop: arrivals beyond maxInFlight are refused and counted as other', async () => {
    const report = await runLoad(
      options(server.url, 'hang', {
        mode: { kind: 'open', rate: 200, maxInFlight: 3 },
        durationMs: 1000,
        timeoutMs: 2000,
      }),
    );

    expect(report.errors.timeouts).toBe(3);
    expect(report.errors.other).toBeGreaterThan(100);
    expect(report.errors.other + report.errors.timeouts).toBe(report.requests);
  });
});

it('a server that refuses connections: errors of kind other, the run still completes', async () => {
  const port = await freePort();
  const report = await runLoad(options(`http://127.0.0.1:${port}`, 'm', { durationMs: 300 }));

  expect(report.succeeded).toBe(0);
  expect(report.errors.other).toBeGreaterThan(0);
  expect(report.errors.other).toBe(report.requests);
});

it('an aborted signal stops the run and rejects with its reason', async () => {
  const server = await startModelServer({ behaviour: 'fixed', delayMs: 5 });
  try {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled by the test')), 200);
    const run = runLoad(
      options(server.url, 'm', { durationMs: 10_000, timeoutMs: 1000, signal: controller.signal }),
    );

    await expect(run).rejects.toThrow('cancelled by the test');
    expect(Date.now() - started).toBeLessThan(2000);
  } finally {
    await server.close();
  }
});

/** A loopback port with nothing listening on it. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

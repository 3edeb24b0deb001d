import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions, type LoopMode } from '../src/index.js';
import { percentile, startModelServer, type ModelServer } from './model-server.js';

/**
 * For assertions on timing: on a shared machine a stall of tens of milliseconds in either
 * process can land on the few samples behind a p99. A measurement that is really wrong fails
 * every try.
 */
const TIMING = { retry: 2 };

const BODY = { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] };

function options(url: string, mode: LoopMode, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return {
    url,
    protocol: 'open-inference',
    model: 'm',
    body: BODY,
    mode,
    durationMs: 2000,
    warmupMs: 200,
    timeoutMs: 2000,
    ...overrides,
  };
}

function expectWithin(measured: number, expected: number, share = 0.1): void {
  expect(measured).toBeGreaterThanOrEqual(expected * (1 - share));
  expect(measured).toBeLessThanOrEqual(expected * (1 + share));
}

describe('latency against a server with known delays (90% at 100 ms, 10% at 300 ms)', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await startModelServer({
      behaviour: 'mixture',
      delays: [
        [100, 0.9],
        [300, 0.1],
      ],
      seed: 7,
    });
  });
  afterEach(() => server.close());

  it.each<[string, LoopMode]>([
    ['closed loop, 12 workers', { kind: 'closed', concurrency: 12 }],
    ['open loop, 80 requests/s', { kind: 'open', rate: 80 }],
  ])('%s: p50 ≈ 100 ms and p99 ≈ 300 ms', TIMING, async (_name, mode) => {
    const report = await runLoad(options(server.url, mode));
    const actual = (await server.actual()).latencyMs;

    expect(report.succeeded).toBeGreaterThan(120);
    expect(report.succeeded).toBe(report.requests);
    expect(report.latencyMs.count).toBe(report.succeeded);
    // Within 10% of the delays the server really applied (its timers run late when the
    // machine is busy), and of the injected ones.
    expectWithin(report.latencyMs.p50, percentile(actual, 50));
    expectWithin(report.latencyMs.p99, percentile(actual, 99));
    expectWithin(report.latencyMs.p50, 100);
    expectWithin(report.latencyMs.p99, 300);
  });

  it('open loop: sends at the asked rate, whatever the answers take', async () => {
    const report = await runLoad(options(server.url, { kind: 'open', rate: 100 }));

    // 200 Poisson arrivals expected in 2 s: a standard deviation of about 14.
    expect(report.requests).toBeGreaterThan(150);
    expect(report.requests).toBeLessThan(250);
  });
});

describe('measurement windows', () => {
  it('leaves the warm-up out: a server slow for its first 700 ms', TIMING, async () => {
    const slowStart = { behaviour: 'slow-start', slowForMs: 700, slowMs: 300, fastMs: 5 } as const;
    const withWarmup = await startModelServer(slowStart);
    const withoutWarmup = await startModelServer(slowStart);
    try {
      const mode = { kind: 'closed', concurrency: 2 } as const;
      const [warmed, cold] = await Promise.all([
        runLoad(options(withWarmup.url, mode, { warmupMs: 1000, durationMs: 1000 })),
        runLoad(options(withoutWarmup.url, mode, { warmupMs: 0, durationMs: 2000 })),
      ]);

      expect(warmed.succeeded).toBeGreaterThan(50);
      expect(warmed.latencyMs.max).toBeLessThan(100);
      expect(cold.latencyMs.max).toBeGreaterThanOrEqual(290);
    } finally {
      await Promise.all([withWarmup.close(), withoutWarmup.close()]);
    }
  });

  it('open loop: a generator stalled for 200 ms shows the stall in latency (no coordinated omission)', async () => {
    const server = await startModelServer({ behaviour: 'fixed', delayMs: 2 });
    try {
      let stalled = false;
      const report = await runLoad(
        options(
          server.url,
          { kind: 'open', rate: 100 },
          {
            warmupMs: 0,
            durationMs: 1500,
            progressIntervalMs: 500,
            onProgress: () => {
              if (stalled) return;
              stalled = true;
              const until = Date.now() + 200;
              while (Date.now() < until); // blocks the event loop, as a paused generator would
            },
          },
        ),
      );

      expect(stalled).toBe(true);
      expect(report.latencyMs.max).toBeGreaterThanOrEqual(150);
      expect(report.latencyMs.p50).toBeLessThan(20);
    } finally {
      await server.close();
    }
  });

  it('reports progress with elapsed and remaining time', async () => {
    const server = await startModelServer({ behaviour: 'fixed', delayMs: 5 });
    try {
      const progress: { elapsedMs: number; remainingMs: number; ratePerSecond: number }[] = [];
      const report = await runLoad(
        options(
          server.url,
          { kind: 'closed', concurrency: 2 },
          {
            warmupMs: 0,
            durationMs: 1000,
            progressIntervalMs: 200,
            onProgress: (update) => progress.push(update),
          },
        ),
      );

      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress[0]?.ratePerSecond).toBeGreaterThan(50);
      for (const [index, update] of progress.entries()) {
        expect(update.elapsedMs).toBeGreaterThan(index * 200);
        expect(update.elapsedMs + update.remainingMs).toBeCloseTo(1000, -1);
      }
      expect(report.durationMs).toBe(1000);
    } finally {
      await server.close();
    }
  });
});

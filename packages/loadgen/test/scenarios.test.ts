import { describe, expect, it } from 'vitest';
import {
  MAX_BISECTIONS,
  runConcurrencySweep,
  runOffline,
  runServerScenario,
  searchHighestRate,
  type LoadReport,
} from '../src/index.js';
import { startModelServer } from './model-server.js';

const BODY = { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] };

/** A report for a rate, from a pretend server whose p99 is 10 ms below `capacity`, 1 s above. */
function pretendRun(capacity: number, rates: number[]) {
  return async (rate: number): Promise<LoadReport> => {
    rates.push(rate);
    const p99 = rate <= capacity ? 10 : 1000;
    return {
      mode: { kind: 'open', rate },
      durationMs: 1000,
      requests: 100,
      succeeded: 100,
      errors: { http5xx: 0, http4xx: 0, timeouts: 0, resets: 0, other: 0 },
      throughputPerSecond: rate,
      latencyMs: { count: 100, p50: 5, p90: 8, p95: 9, p99, mean: 5, max: p99 },
    };
  };
}

describe('searchHighestRate', () => {
  it('doubles until the bound breaks, then bisects to the capacity', async () => {
    const rates: number[] = [];
    const result = await searchHighestRate(pretendRun(300, rates), { p99Ms: 50, startRate: 50 });

    expect(rates.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(rates.slice(4)).toEqual([300, 350, 325, 312.5]);
    expect(result.rate).toBe(300);
    expect(result.report.mode).toEqual({ kind: 'open', rate: 300 });
    expect(result.tried).toHaveLength(rates.length);
  });

  it('stops at maxRate when the bound still holds there', async () => {
    const rates: number[] = [];
    const result = await searchHighestRate(pretendRun(1e9, rates), {
      p99Ms: 50,
      startRate: 10,
      maxRate: 70,
    });

    expect(rates).toEqual([10, 20, 40, 70]);
    expect(result.rate).toBe(70);
  });

  it('bisects below the start rate when even that breaks; rate 0 when nothing holds', async () => {
    const rates: number[] = [];
    const result = await searchHighestRate(pretendRun(0, rates), { p99Ms: 50, startRate: 64 });

    expect(rates).toEqual([64, 32, 16, 8, 4, 2].slice(0, 1 + MAX_BISECTIONS));
    expect(result.rate).toBe(0);
    expect(result.report.mode).toEqual({ kind: 'open', rate: 2 });
  });

  it('a run with more than 1% failed requests breaks the bound whatever its p99', async () => {
    const result = await searchHighestRate(
      async (rate) => ({
        ...(await pretendRun(1e9, [])(rate)),
        errors: { http5xx: 0, http4xx: 0, timeouts: rate > 100 ? 2 : 0, resets: 0, other: 0 },
      }),
      { p99Ms: 50, startRate: 100 },
    );

    expect(result.rate).toBe(100);
  });

  it.each([
    [{ p99Ms: 0, startRate: 1 }, 'bound.p99Ms must be a positive number, got 0'],
    [{ p99Ms: 10, startRate: -1 }, 'bound.startRate must be a positive number, got -1'],
    [{ p99Ms: 10, startRate: 1, maxRate: Number.NaN }, 'bound.maxRate must be a positive number'],
  ])('rejects the bound %j', async (bound, message) => {
    await expect(searchHighestRate(pretendRun(1, []), bound)).rejects.toThrow(message);
  });
});

describe('scenarios against a real server', () => {
  it('server scenario: finds the rate a one-at-a-time server (10 ms each) sustains', async () => {
    const server = await startModelServer({ behaviour: 'serial', serviceMs: 10 });
    try {
      const result = await runServerScenario(
        {
          url: server.url,
          protocol: 'open-inference',
          model: 'm',
          body: BODY,
          durationMs: 700,
          warmupMs: 150,
          timeoutMs: 2000,
        },
        { p99Ms: 60, startRate: 20 },
      );

      // Capacity is 100 requests/s: queueing breaks a 60 ms p99 well before it.
      expect(result.rate).toBeGreaterThanOrEqual(20);
      expect(result.rate).toBeLessThan(100);
      expect(result.report.latencyMs.p99).toBeLessThanOrEqual(60);
      expect(result.tried.length).toBeGreaterThan(1);
      const rates = result.tried.map((report) =>
        report.mode.kind === 'open' ? report.mode.rate : 0,
      );
      expect(rates.slice(0, 2)).toEqual([20, 40]);
    } finally {
      await server.close();
    }
  });

  it('concurrency sweep and offline: one closed-loop run per level', async () => {
    const server = await startModelServer({ behaviour: 'fixed', delayMs: 20 });
    try {
      const options = {
        url: server.url,
        protocol: 'open-inference' as const,
        model: 'm',
        body: BODY,
        durationMs: 500,
        warmupMs: 100,
        timeoutMs: 2000,
      };
      const sweep = await runConcurrencySweep(options, [1, 4]);
      const offline = await runOffline(options, 8);

      expect(sweep.map((report) => report.mode)).toEqual([
        { kind: 'closed', concurrency: 1 },
        { kind: 'closed', concurrency: 4 },
      ]);
      // 20 ms answers: about 50/s per worker.
      expect(sweep[1]!.throughputPerSecond).toBeGreaterThan(2.5 * sweep[0]!.throughputPerSecond);
      expect(offline.throughputPerSecond).toBeGreaterThan(sweep[1]!.throughputPerSecond);
      await expect(runConcurrencySweep(options, [])).rejects.toThrow('at least one level');
    } finally {
      await server.close();
    }
  });
});

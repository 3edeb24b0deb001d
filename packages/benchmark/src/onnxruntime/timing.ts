import type { Log } from '@envoy/core';
import type { Session } from './session.js';

export type Feeds = Parameters<Session['run']>[0];

const NS_PER_SECOND = 1e9;

/** Logs elapsed time, a remaining estimate and the current rate every `intervalSeconds`. */
export class ProgressReporter {
  /** When the next report is due, on the process.hrtime.bigint() clock. */
  nextAt: bigint;
  private label = '';
  private completedBefore = 0;
  private lastCount = 0;
  private lastAt: bigint;
  private readonly intervalNs: bigint;

  constructor(
    private readonly totalIterations: number,
    intervalSeconds: number,
    private readonly log: Log,
    private readonly startedAt = process.hrtime.bigint(),
  ) {
    this.intervalNs = BigInt(Math.round(intervalSeconds * NS_PER_SECOND));
    this.lastAt = startedAt;
    this.nextAt =
      intervalSeconds > 0 ? startedAt + this.intervalNs : BigInt(Number.MAX_SAFE_INTEGER);
  }

  startTrial(label: string): void {
    this.label = label;
  }

  endTrial(iterations: number): void {
    this.completedBefore += iterations;
  }

  report(iterationsInTrial: number, now: bigint): void {
    const done = this.completedBefore + iterationsInTrial;
    const elapsed = Number(now - this.startedAt) / NS_PER_SECOND;
    const rate = (done - this.lastCount) / (Number(now - this.lastAt) / NS_PER_SECOND);
    const remaining = (this.totalIterations - done) / (done / elapsed);
    this.log.info(
      `${this.label}: ${done}/${this.totalIterations} timed runs, ${elapsed.toFixed(1)} s elapsed, ` +
        `about ${remaining.toFixed(1)} s left, ${rate.toFixed(1)} runs/s`,
    );
    this.lastCount = done;
    this.lastAt = now;
    this.nextAt = now + this.intervalNs;
  }
}

export async function warmUp(session: Session, feeds: Feeds, iterations: number): Promise<void> {
  for (let index = 0; index < iterations; index++) await session.run(feeds);
}

export interface TimedTrial {
  latenciesMs: number[];
  wallSeconds: number;
}

/**
 * Times `iterations` runs. The clock is read tightly around `session.run`; everything else
 * in the loop is a typed-array store and one comparison, so the loop costs next to nothing
 * over a bare `await session.run(feeds)` (bench/onnxruntime-overhead.mjs measures it).
 */
export async function timeTrial(
  session: Session,
  feeds: Feeds,
  iterations: number,
  progress: ProgressReporter,
): Promise<TimedTrial> {
  const samples = new Float64Array(iterations);
  const trialStart = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    const end = process.hrtime.bigint();
    samples[index] = Number(end - start) / 1e6;
    if (end >= progress.nextAt) progress.report(index + 1, end);
  }
  const wallSeconds = Number(process.hrtime.bigint() - trialStart) / NS_PER_SECOND;
  progress.endTrial(iterations);
  return { latenciesMs: Array.from(samples), wallSeconds };
}

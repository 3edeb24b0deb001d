import { performance } from 'node:perf_hooks';
import { LoadRun } from './run.js';
import type { RequestSlot } from './slot.js';
import type { RequestTarget } from './target.js';
import type { LoadOptions } from './types.js';

/** Closed loop: `concurrency` workers, each sending its next request when the last one ends. */
export class ClosedLoopRun extends LoadRun {
  constructor(
    target: RequestTarget,
    options: LoadOptions,
    private readonly concurrency: number,
  ) {
    super(target, options);
  }

  protected start(): void {
    for (let worker = 0; worker < this.concurrency; worker++) {
      const now = performance.now();
      this.send(this.newSlot(), now, now);
    }
  }

  protected release(slot: RequestSlot, now: number): void {
    if (now >= this.measureUntil) this.stopped = true;
    if (!this.stopped) this.send(slot, now, now);
  }

  protected halt(): void {
    this.stopped = true;
  }
}

/**
 * Open loop: Poisson arrivals (exponential gaps) at `rate` per second. Each request's latency
 * runs from its scheduled arrival, so a late send or a slow server shows in the figures (no
 * coordinated omission). An arrival finding `maxInFlight` requests out is refused.
 */
export class OpenLoopRun extends LoadRun {
  private readonly free: RequestSlot[] = [];
  private readonly meanGapMs: number;
  private nextArrival: number;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    target: RequestTarget,
    options: LoadOptions,
    rate: number,
    private readonly maxInFlight: number,
  ) {
    super(target, options);
    this.meanGapMs = 1000 / rate;
    this.nextArrival = this.startAt + this.gapMs();
  }

  protected start(): void {
    this.tick();
  }

  protected release(slot: RequestSlot): void {
    this.free.push(slot);
  }

  protected halt(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** Sends every arrival that is due, then sleeps until the next one (spinning its last 1 ms). */
  private readonly tick = (): void => {
    this.timer = null;
    this.immediate = null;
    if (this.stopped) return;
    const now = performance.now();
    while (this.nextArrival <= now && this.nextArrival < this.measureUntil) {
      this.arrive(this.nextArrival, now);
      this.nextArrival += this.gapMs();
    }
    if (this.nextArrival >= this.measureUntil) {
      this.halt();
      this.settleIfDrained();
      return;
    }
    const wait = this.nextArrival - now;
    if (wait > 1) this.timer = setTimeout(this.tick, wait - 1);
    else this.immediate = setImmediate(this.tick);
  };

  private arrive(scheduledAt: number, now: number): void {
    if (this.inFlight >= this.maxInFlight) {
      this.refuse(scheduledAt);
      return;
    }
    this.send(this.free.pop() ?? this.newSlot(), scheduledAt, now);
  }

  private gapMs(): number {
    return -Math.log(1 - Math.random()) * this.meanGapMs;
  }
}

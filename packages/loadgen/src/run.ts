import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './latency.js';
import { emptyErrorCounts, type Outcome } from './outcome.js';
import { RequestSlot, type SlotOwner } from './slot.js';
import type { Endpoint } from './connection.js';
import { endpointOf, requestBytes, type RequestTarget } from './target.js';
import type { LoadOptions, LoadReport } from './types.js';

const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/**
 * One load run: sends requests until the measured window closes, waits for the requests still
 * out, closes its connections and reports. Subclasses decide when requests are sent.
 */
export abstract class LoadRun implements SlotOwner {
  protected readonly slots: RequestSlot[] = [];
  /** No new request is sent once set. */
  protected stopped = false;
  protected inFlight = 0;
  protected readonly startAt = performance.now();
  protected readonly measureFrom: number;
  protected readonly measureUntil: number;
  private readonly endpoint: Endpoint;
  private readonly request: Buffer;

  private requests = 0;
  private succeeded = 0;
  private readonly errors = emptyErrorCounts();
  private readonly latency = new LatencyRecorder();
  private readonly timeToFirstToken: LatencyRecorder | null;
  private readonly interToken: LatencyRecorder | null;
  private tokens = 0;

  private completedAll = 0;
  private errorsAll = 0;
  private progressMark = { at: this.startAt, finished: 0 };
  private readonly timers: NodeJS.Timeout[] = [];
  private settle: {
    resolve: (report: LoadReport) => void;
    reject: (error: unknown) => void;
  } | null = null;

  constructor(
    protected readonly target: RequestTarget,
    protected readonly options: LoadOptions,
  ) {
    this.measureFrom = this.startAt + options.warmupMs;
    this.measureUntil = this.measureFrom + options.durationMs;
    this.endpoint = endpointOf(target);
    this.request = requestBytes(target);
    this.timeToFirstToken = target.streaming ? new LatencyRecorder() : null;
    this.interToken = target.streaming ? new LatencyRecorder() : null;
  }

  execute(): Promise<LoadReport> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      const sweepMs = Math.min(100, Math.max(1, this.options.timeoutMs / 10));
      this.timers.push(setInterval(this.sweepTimeouts, sweepMs));
      if (this.options.onProgress) {
        const every = this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
        this.timers.push(setInterval(this.reportProgress, every));
      }
      this.options.signal?.addEventListener('abort', this.onAbort);
      this.start();
      this.settleIfDrained();
    });
  }

  /** Sends the first requests. */
  protected abstract start(): void;

  /** `slot`'s request ended at `now` (already counted); the slot is free again. */
  protected abstract release(slot: RequestSlot, now: number): void;

  /** Stops new requests from being sent for good (the drained run then settles). */
  protected abstract halt(): void;

  protected newSlot(): RequestSlot {
    const slot = new RequestSlot(this, this.endpoint, {
      streaming: this.target.streaming,
      timeoutMs: this.options.timeoutMs,
    });
    this.slots.push(slot);
    return slot;
  }

  /** Sends on `slot`; an error is always reported later, never from inside this call. */
  protected send(slot: RequestSlot, scheduledAt: number, now: number): void {
    this.inFlight++;
    if (scheduledAt >= this.measureFrom) this.requests++;
    slot.send(this.request, scheduledAt, now);
  }

  /** An arrival that could not be sent (open loop, too many in flight): an `other` error. */
  protected refuse(scheduledAt: number): void {
    this.errorsAll++;
    if (scheduledAt < this.measureFrom) return;
    this.requests++;
    this.errors.other++;
  }

  finish(slot: RequestSlot, outcome: Outcome, now: number): void {
    this.inFlight--;
    if (outcome === 'ok') this.completedAll++;
    else this.errorsAll++;
    if (slot.scheduledAt >= this.measureFrom) this.record(slot, outcome, now);
    this.release(slot, now);
    this.settleIfDrained();
  }

  protected settleIfDrained(): void {
    if (!this.stopped || this.inFlight > 0 || this.settle === null) return;
    const { resolve } = this.settle;
    this.cleanUp();
    resolve(this.report());
  }

  private record(slot: RequestSlot, outcome: Outcome, now: number): void {
    if (outcome !== 'ok') {
      this.errors[outcome]++;
      return;
    }
    this.succeeded++;
    this.latency.recordMs(now - slot.scheduledAt);
    const stream = slot.tokens;
    if (stream === null || stream.tokens === 0) return;
    this.tokens += stream.tokens;
    this.timeToFirstToken?.recordMs(stream.firstTokenAt - slot.scheduledAt);
    for (const gap of stream.gapsMs) this.interToken?.recordMs(gap);
  }

  private report(): LoadReport {
    const seconds = this.options.durationMs / 1000;
    const report: LoadReport = {
      mode: this.options.mode,
      durationMs: this.options.durationMs,
      requests: this.requests,
      succeeded: this.succeeded,
      errors: { ...this.errors },
      throughputPerSecond: this.succeeded / seconds,
      latencyMs: this.latency.summary(),
    };
    if (this.timeToFirstToken && this.interToken) {
      report.timeToFirstTokenMs = this.timeToFirstToken.summary();
      report.interTokenMs = this.interToken.summary();
      report.tokensPerSecond = this.tokens / seconds;
    }
    return report;
  }

  private readonly sweepTimeouts = (): void => {
    const deadline = performance.now() - this.options.timeoutMs;
    for (const slot of this.slots) {
      if (slot.inFlight && slot.sentAt <= deadline) slot.timeOut();
    }
  };

  private readonly reportProgress = (): void => {
    const now = performance.now();
    const finished = this.completedAll + this.errorsAll;
    const seconds = (now - this.progressMark.at) / 1000;
    const ratePerSecond = seconds > 0 ? (finished - this.progressMark.finished) / seconds : 0;
    this.progressMark = { at: now, finished };
    try {
      this.options.onProgress?.({
        elapsedMs: now - this.startAt,
        remainingMs: Math.max(0, this.measureUntil - now),
        ratePerSecond,
        completed: this.completedAll,
        errors: this.errorsAll,
      });
    } catch (error) {
      this.abandon(error);
    }
  };

  private readonly onAbort = (): void => {
    this.abandon(this.options.signal?.reason);
  };

  /** Stops at once, drops the requests still out and rejects. */
  private abandon(reason: unknown): void {
    if (this.settle === null) return;
    const { reject } = this.settle;
    this.halt();
    this.cleanUp();
    reject(reason);
  }

  private cleanUp(): void {
    this.settle = null;
    for (const timer of this.timers) clearInterval(timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    for (const slot of this.slots) slot.close();
  }
}

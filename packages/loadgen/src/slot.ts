import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { outcomeOfError, outcomeOfStatus, type Outcome } from './outcome.js';
import { TokenStream } from './sse.js';

/** What a slot reports to when its request ends. */
export interface SlotOwner {
  finish(slot: RequestSlot, outcome: Outcome, now: number): void;
}

const TIMED_OUT = Object.assign(new Error('loadgen: request timed out'), { code: 'ETIMEDOUT' });

/**
 * One outstanding request, and undici's handler for it. Slots are reused from request to
 * request so that the steady state allocates next to nothing per request.
 */
export class RequestSlot implements Dispatcher.DispatchHandlers {
  /** When the request was due (open loop) or sent (closed loop): latency is measured from here. */
  scheduledAt = 0;
  /** When it was handed to the connection pool: the timeout runs from here. */
  sentAt = 0;
  inFlight = false;
  /** Set on OpenAI streams. */
  readonly tokens: TokenStream | null;
  private statusCode = 0;
  private timedOut = false;
  private abortRequest: ((error?: Error) => void) | null = null;

  constructor(
    private readonly owner: SlotOwner,
    streaming: boolean,
  ) {
    this.tokens = streaming ? new TokenStream() : null;
  }

  /** Marks the slot busy; the caller then dispatches it. */
  begin(scheduledAt: number, now: number): void {
    this.scheduledAt = scheduledAt;
    this.sentAt = now;
    this.inFlight = true;
    this.timedOut = false;
    this.statusCode = 0;
    this.abortRequest = null;
    this.tokens?.reset();
  }

  /** Aborts the request; however it then ends, it counts as a timeout. */
  timeOut(): void {
    if (this.timedOut) return;
    this.timedOut = true;
    this.abortRequest?.(TIMED_OUT);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number): boolean {
    this.statusCode = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.tokens !== null && this.statusCode < 300) this.tokens.push(chunk, performance.now());
    return true;
  }

  onComplete(): void {
    const now = performance.now();
    let outcome = outcomeOfStatus(this.statusCode);
    if (this.tokens !== null && outcome === 'ok') {
      this.tokens.end(now);
      if (this.tokens.failed) outcome = 'other';
    }
    this.end(outcome, now);
  }

  onError(error: Error): void {
    this.end(outcomeOfError(error), performance.now());
  }

  private end(outcome: Outcome, now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.abortRequest = null;
    this.owner.finish(this, this.timedOut ? 'timeouts' : outcome, now);
  }
}

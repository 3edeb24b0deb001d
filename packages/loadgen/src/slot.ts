import { performance } from 'node:perf_hooks';
import { HttpConnection, type Endpoint, type ResponseHandler } from './connection.js';
import { outcomeOfError, outcomeOfStatus, type Outcome } from './outcome.js';
import { TokenStream } from './sse.js';

/** What a slot reports to when its request ends. */
export interface SlotOwner {
  finish(slot: RequestSlot, outcome: Outcome, now: number): void;
}

const TIMED_OUT = Object.assign(new Error('loadgen: request timed out'), { code: 'ETIMEDOUT' });

/**
 * One request at a time over the slot's own connection, and the handler of its answer. Slots
 * are reused from request to request so that the steady state allocates next to nothing per
 * request.
 */
export class RequestSlot implements ResponseHandler {
  /** When the request was due (open loop) or sent (closed loop): latency is measured from here. */
  scheduledAt = 0;
  /** When it was written to its connection: the timeout runs from here. */
  sentAt = 0;
  inFlight = false;
  /** Set on OpenAI streams. */
  readonly tokens: TokenStream | null;
  private statusCode = 0;
  private timedOut = false;
  private readonly connection: HttpConnection;
  private readonly timeoutMs: number;

  constructor(
    private readonly owner: SlotOwner,
    endpoint: Endpoint,
    options: { streaming: boolean; timeoutMs: number },
  ) {
    this.connection = new HttpConnection(endpoint);
    this.tokens = options.streaming ? new TokenStream() : null;
    this.timeoutMs = options.timeoutMs;
  }

  /** Sends `request`, whose latency runs from `scheduledAt`. */
  send(request: Buffer, scheduledAt: number, now: number): void {
    this.scheduledAt = scheduledAt;
    this.sentAt = now;
    this.inFlight = true;
    this.timedOut = false;
    this.statusCode = 0;
    this.tokens?.reset();
    this.connection.send(request, this);
  }

  /** Aborts the request; it counts as a timeout. */
  timeOut(): void {
    if (this.timedOut) return;
    this.timedOut = true;
    this.connection.abort(TIMED_OUT);
  }

  close(): void {
    this.connection.close();
  }

  onHeaders(statusCode: number): void {
    this.statusCode = statusCode;
  }

  onData(chunk: Buffer): void {
    if (this.tokens !== null && this.statusCode < 300) this.tokens.push(chunk, performance.now());
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

  /** A request aborted by the sweep, or answered well but later than the timeout, timed out. */
  private end(outcome: Outcome, now: number): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    const late = outcome === 'ok' && now - this.sentAt > this.timeoutMs;
    this.owner.finish(this, this.timedOut || late ? 'timeouts' : outcome, now);
  }
}

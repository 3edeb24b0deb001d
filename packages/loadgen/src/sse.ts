import { StringDecoder } from 'node:string_decoder';

/**
 * Reads an OpenAI-style Server-Sent Events answer (`data: {...}` events, ended by
 * `data: [DONE]`) and times its tokens. A chunk that carries text (`choices[0].text`, or
 * `choices[0].delta.content` for chat) counts as one token, as servers stream one token per
 * chunk by default. An event with an `error` field marks the answer as failed.
 */
export class TokenStream {
  tokens = 0;
  firstTokenAt = 0;
  failed = false;
  /** Gaps between successive tokens, in milliseconds. */
  readonly gapsMs: number[] = [];
  private lastTokenAt = 0;
  private pending = '';
  private data = '';
  private sawData = false;
  private decoder = new StringDecoder('utf8');

  reset(): void {
    this.tokens = 0;
    this.firstTokenAt = 0;
    this.lastTokenAt = 0;
    this.failed = false;
    this.gapsMs.length = 0;
    this.pending = '';
    this.data = '';
    this.sawData = false;
    this.decoder = new StringDecoder('utf8');
  }

  /** Feeds a piece of the body that arrived at `now` (milliseconds). */
  push(chunk: Buffer, now: number): void {
    // CRLF, LF or a lone CR ends a line; a CR that ends the chunk waits for a possible LF.
    const lines = (this.pending + this.decoder.write(chunk)).split(/\r\n|\r(?!$)|\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.readLine(line, now);
  }

  /**
   * The body ended: an event not closed by a blank line still counts. An answer without a
   * single `data:` line was not an event stream (a server that ignored `stream: true`).
   */
  end(now: number): void {
    if (this.pending) this.readLine(this.pending, now);
    this.pending = '';
    this.dispatchEvent(now);
    if (!this.sawData) this.failed = true;
  }

  private readLine(rawLine: string, now: number): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') {
      this.dispatchEvent(now);
    } else if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.sawData = true;
      this.data = this.data ? `${this.data}\n${value}` : value;
    }
  }

  private dispatchEvent(now: number): void {
    const data = this.data;
    this.data = '';
    if (data === '' || data === '[DONE]') return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      this.failed = true;
      return;
    }
    if (isRecord(event) && event.error !== undefined && event.error !== null) this.failed = true;
    else if (hasText(event)) this.recordToken(now);
  }

  private recordToken(now: number): void {
    if (this.tokens === 0) this.firstTokenAt = now;
    else this.gapsMs.push(now - this.lastTokenAt);
    this.lastTokenAt = now;
    this.tokens++;
  }
}

function hasText(event: unknown): boolean {
  if (!isRecord(event) || !Array.isArray(event.choices)) return false;
  const choice: unknown = event.choices[0];
  if (!isRecord(choice)) return false;
  if (typeof choice.text === 'string') return choice.text !== '';
  const delta = choice.delta;
  return isRecord(delta) && typeof delta.content === 'string' && delta.content !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, runSingleStream, type LoadOptions } from '../src/index.js';
import { TokenStream } from '../src/sse.js';
import { percentile, startModelServer, type ModelServer } from './model-server.js';

/**
 * For assertions on timing: on a shared machine a stall of tens of milliseconds in either
 * process can land on the few samples behind a p99. A measurement that is really wrong fails
 * every try.
 */
const TIMING = { retry: 2 };

function expectWithin(measured: number, expected: number, share = 0.1): void {
  expect(measured).toBeGreaterThanOrEqual(expected * (1 - share));
  expect(measured).toBeLessThanOrEqual(expected * (1 + share));
}

describe('OpenAI streaming: a server with the first token after 150 ms, then one every 50 ms', () => {
  const TOKENS = 5;
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({
      behaviour: 'openai',
      ttftMs: 150,
      gapMs: 50,
      tokens: TOKENS,
    });
  });
  afterAll(() => server.close());

  it.each<[string, unknown]>([
    ['completions', { prompt: 'Say something' }],
    ['chat completions', { messages: [{ role: 'user', content: 'Say something' }] }],
  ])(
    '%s: time to first token, inter-token latency and tokens per second',
    TIMING,
    async (_name, body) => {
      const options: LoadOptions = {
        url: server.url,
        protocol: 'openai',
        model: 'tiny',
        body,
        mode: { kind: 'closed', concurrency: 4 },
        durationMs: 1500,
        warmupMs: 200,
        timeoutMs: 2000,
      };
      const before = await server.actual();
      const report = await runLoad(options);
      const after = await server.actual();
      const firstTokenMs = after.firstTokenMs.slice(before.firstTokenMs.length);
      const tokenGapsMs = after.tokenGapsMs.slice(before.tokenGapsMs.length);

      expect(report.succeeded).toBeGreaterThan(10);
      expect(report.timeToFirstTokenMs?.count).toBe(report.succeeded);
      expect(report.interTokenMs?.count).toBe(report.succeeded * (TOKENS - 1));
      // Within 10% of what the server really did (its timers run late on a busy machine)...
      expectWithin(report.timeToFirstTokenMs?.p50 ?? 0, percentile(firstTokenMs, 50));
      expectWithin(report.interTokenMs?.p50 ?? 0, percentile(tokenGapsMs, 50));
      // ...and of what it was asked to do.
      expectWithin(report.timeToFirstTokenMs?.p50 ?? 0, 150);
      expectWithin(report.interTokenMs?.p50 ?? 0, 50);
      expect(report.tokensPerSecond).toBeCloseTo((report.succeeded * TOKENS) / 1.5, 6);
      // The whole answer adds up the server's timer lateness of every token: a looser bound.
      expectWithin(report.latencyMs.p50, 150 + 50 * (TOKENS - 1), 0.25);
    },
  );

  it('single stream: one request at a time', TIMING, async () => {
    const report = await runSingleStream({
      url: server.url,
      protocol: 'openai',
      body: { model: 'tiny', prompt: 'Hi' },
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 2000,
    });

    expect(report.mode).toEqual({ kind: 'closed', concurrency: 1 });
    // 350 ms per answer: three start in a second (two if the machine is very busy).
    expect(report.succeeded).toBeGreaterThanOrEqual(2);
    expect(report.succeeded).toBeLessThanOrEqual(3);
  });
});

describe('TokenStream', () => {
  const at = (ms: number) => ms;
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
  const text = (value: string) => event({ choices: [{ text: value }] });

  it('times tokens split across chunks, with CRLF line ends', () => {
    const stream = new TokenStream();
    const wire = text('a') + text('b').replace(/\n/g, '\r\n') + 'data: [DONE]\n\n';
    const cut = wire.indexOf('"b"');
    stream.push(Buffer.from(wire.slice(0, 10)), at(5));
    stream.push(Buffer.from(wire.slice(10, cut)), at(7));
    stream.push(Buffer.from(wire.slice(cut)), at(12));
    stream.end(at(13));

    expect(stream.tokens).toBe(2);
    expect(stream.firstTokenAt).toBe(7);
    expect(stream.gapsMs).toEqual([5]);
    expect(stream.failed).toBe(false);
  });

  it('keeps a character whose bytes are split between chunks', () => {
    const stream = new TokenStream();
    const bytes = Buffer.from(text('é'));
    const split = bytes.indexOf(0xc3) + 1;
    stream.push(bytes.subarray(0, split), at(1));
    stream.push(bytes.subarray(split), at(2));

    expect(stream.tokens).toBe(1);
    expect(stream.failed).toBe(false);
  });

  it.each<[string, string, number, boolean]>([
    [
      'a role-only chat chunk is no token',
      event({ choices: [{ delta: { role: 'assistant' } }] }),
      0,
      false,
    ],
    [
      'a chat chunk with content is one',
      event({ choices: [{ delta: { content: 'x' } }] }),
      1,
      false,
    ],
    ['an empty text is no token', text(''), 0, false],
    ['an error event fails the answer', event({ error: { message: 'overloaded' } }), 0, true],
    ['data that is not JSON fails the answer', 'data: {oops\n\n', 0, true],
    [
      'comments and other fields are ignored',
      ': ping\nevent: x\nid: 3\n\ndata: [DONE]\n\n',
      0,
      false,
    ],
    [
      'lines ended by a lone CR',
      'data: {"choices":[{"text":"a"}]}\r\rdata: {"choices":[{"text":"b"}]}\r\r',
      2,
      false,
    ],
    [
      'a plain JSON answer (the server ignored stream: true) is not a stream',
      '{"choices":[{"text":"all at once"}]}',
      0,
      true,
    ],
    [
      'an event without a closing blank line still counts',
      'data: {"choices":[{"text":"z"}]}',
      1,
      false,
    ],
  ])('%s', (_name, wire, tokens, failed) => {
    const stream = new TokenStream();
    stream.push(Buffer.from(wire), at(1));
    stream.end(at(2));

    expect(stream.tokens).toBe(tokens);
    expect(stream.failed).toBe(failed);
  });

  it('keeps a CRLF whose CR ends one chunk and LF starts the next as one line end', () => {
    const stream = new TokenStream();
    stream.push(Buffer.from('data: {"choices":[{"text":"a"}]}\r'), at(1));
    stream.push(Buffer.from('\ndata: {"choices":[{"text":"b"}]}\r\n\r\n'), at(2));
    stream.end(at(3));

    // One event of two data lines: not JSON once joined, so the answer failed.
    expect(stream.failed).toBe(true);
    expect(stream.tokens).toBe(0);
  });

  it('starts clean after reset', () => {
    const stream = new TokenStream();
    stream.push(Buffer.from(text('a') + text('b') + 'data: {"choi'), at(1));
    stream.reset();
    stream.push(Buffer.from(text('c')), at(9));

    expect(stream.tokens).toBe(1);
    expect(stream.firstTokenAt).toBe(9);
    expect(stream.gapsMs).toEqual([]);
  });
});

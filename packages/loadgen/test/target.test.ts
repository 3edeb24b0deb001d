import { UserError } from '@envoy/core';
import { describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../src/index.js';
import { resolveTarget } from '../src/target.js';

const V2: LoadOptions = {
  url: 'http://127.0.0.1:1',
  protocol: 'open-inference',
  model: 'm',
  body: { inputs: [] },
  mode: { kind: 'closed', concurrency: 1 },
  durationMs: 1000,
  warmupMs: 0,
  timeoutMs: 1000,
};

describe('resolveTarget', () => {
  it('v2: the infer path under the base URL, with the body serialised once', () => {
    const target = resolveTarget({ ...V2, url: 'https://models.example/prefix/', model: 'a b' });

    expect(target.origin).toBe('https://models.example');
    expect(target.path).toBe('/prefix/v2/models/a%20b/infer');
    expect(JSON.parse(target.body.toString())).toEqual({ inputs: [] });
    expect(target.streaming).toBe(false);
  });

  it.each([
    [
      { prompt: 'Hi' },
      '/v1/completions',
      { prompt: 'Hi', max_tokens: 16, model: 'm', stream: true },
    ],
    [
      { messages: [], model: 'own', stream: false, max_tokens: 3 },
      '/v1/chat/completions',
      { messages: [], model: 'own', stream: true, max_tokens: 3 },
    ],
    [undefined, '/v1/completions', { prompt: 'Hello', max_tokens: 16, model: 'm', stream: true }],
  ])('openai body %j goes to %s as a stream', (body, path, sent) => {
    const target = resolveTarget({ ...V2, protocol: 'openai', body });

    expect(target.path).toBe(path);
    expect(JSON.parse(target.body.toString())).toEqual(sent);
    expect(target.streaming).toBe(true);
  });
});

describe('bad options are user errors that name the field and quote the value', () => {
  it.each<[string, Partial<LoadOptions>, string]>([
    ['url', { url: 'not a url' }, 'url is not a valid URL: "not a url"'],
    ['url scheme', { url: 'ftp://x' }, 'url must start with http:// or https://, got "ftp://x"'],
    [
      'protocol',
      { protocol: 'grpc' as never },
      `protocol must be 'open-inference' or 'openai', got "grpc"`,
    ],
    ['v2 model', { model: undefined }, 'open-inference needs a model name'],
    ['v2 body', { body: { data: 1 } }, 'with an "inputs" list, got {"data":1}'],
    [
      'openai body',
      { protocol: 'openai', body: [1] },
      'the openai body must be a JSON object, got [1]',
    ],
    [
      'openai model',
      { protocol: 'openai', model: undefined, body: {} },
      'protocol openai needs a model',
    ],
    ['duration', { durationMs: 0 }, 'durationMs must be a positive number, got 0'],
    ['warm-up', { warmupMs: -5 }, 'warmupMs must be 0 or more, got -5'],
    ['timeout', { timeoutMs: Number.NaN }, 'timeoutMs must be a positive number, got NaN'],
    [
      'concurrency',
      { mode: { kind: 'closed', concurrency: 1.5 } },
      'mode.concurrency must be a whole number of at least 1, got 1.5',
    ],
    ['rate', { mode: { kind: 'open', rate: 0 } }, 'mode.rate must be a positive number, got 0'],
    [
      'maxInFlight',
      { mode: { kind: 'open', rate: 1, maxInFlight: 0 } },
      'mode.maxInFlight must be a whole number',
    ],
    [
      'mode kind',
      { mode: { kind: 'burst' } as never },
      `mode.kind must be 'closed' or 'open', got "burst"`,
    ],
    ['mode', { mode: undefined as never }, "mode must be { kind: 'closed' | 'open', ... }"],
    [
      'rate too high',
      { mode: { kind: 'open', rate: 1e9 } },
      'mode.rate must be at most 1000000 requests per second, got 1000000000',
    ],
    [
      'url credentials',
      { url: 'http://user:secret@127.0.0.1:9' },
      'url must not carry a user name or password',
    ],
    [
      'progress interval',
      { progressIntervalMs: -1 },
      'progressIntervalMs must be a positive number, got -1',
    ],
  ])('%s', async (_field, change, message) => {
    const run = runLoad({ ...V2, ...change });

    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(message);
  });
});

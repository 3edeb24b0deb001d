import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLog, UserError } from '@envoy/core';
import type { HttpDriverSettings } from '@envoy/config';
import { httpDriver } from '../src/index.js';
import { driverContext, SILERO_VERSION, sileroSettings } from './helpers.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A model server on a free loopback port; every request body it receives is kept. */
async function serve(handler: Handler): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

const answerV2: Handler = (request, _body, response) => {
  const ok = request.url === '/v2/models/silero-vad/infer';
  response.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ model_name: 'silero-vad', outputs: [] }));
};

function httpSettings(url: string, changes: Partial<HttpDriverSettings> = {}) {
  const http: HttpDriverSettings = {
    url,
    protocol: 'open-inference',
    scenario: 'single-stream',
    concurrency: [1],
    durationSeconds: 0.3,
    warmupSeconds: 0.05,
    timeoutMs: 2000,
    ...changes,
  };
  return sileroSettings({ driver: 'http', http });
}

function withSignature(settings: ReturnType<typeof httpSettings>, log = new MemoryLog()) {
  const context = driverContext(settings, log);
  context.request.model = {
    ...SILERO_VERSION,
    signature: {
      inputs: [
        { name: 'input', type: 'float32', shape: ['', ''] },
        { name: 'state', type: 'float32', shape: [2, '', 128] },
        { name: 'sr', type: 'int64', shape: [] },
      ],
      outputs: [],
    },
  };
  return context;
}

describe('httpDriver', () => {
  it('single-stream: sends an inference request built from the signature', async () => {
    const server = await serve(answerV2);
    const output = await httpDriver.run(withSignature(httpSettings(server.url)));

    for (const name of [
      'latency_p50_ms',
      'latency_p90_ms',
      'latency_p99_ms',
      'requests_per_second',
    ]) {
      expect(output.metrics[name]?.value, name).toBeGreaterThan(0);
    }
    expect(output.metrics.errors_http4xx?.value).toBe(0);
    expect(output.metrics.requests_succeeded?.value).toBeGreaterThan(0);
    expect(output.trials).toEqual([]);
    const request = JSON.parse(server.bodies[0]!) as {
      inputs: { name: string; shape: number[]; datatype: string; data: number[] }[];
    };
    expect(request.inputs.map(({ name, shape, datatype }) => ({ name, shape, datatype }))).toEqual([
      { name: 'input', shape: [1, 512], datatype: 'FP32' },
      { name: 'state', shape: [2, 1, 128], datatype: 'FP32' },
      { name: 'sr', shape: [], datatype: 'INT64' },
    ]);
    expect(request.inputs[2]?.data).toEqual([16000]);
  });

  it('offline: sweeps concurrency, headline from the highest throughput', async () => {
    const server = await serve(answerV2);
    const settings = httpSettings(server.url, { scenario: 'offline', concurrency: [1, 4] });
    const output = await httpDriver.run(withSignature(settings));

    const other = output.runtime.concurrency === '1' ? 4 : 1;
    expect(output.metrics[`requests_per_second@concurrency=${other}`]!.value).toBeLessThanOrEqual(
      output.metrics.requests_per_second!.value,
    );
  });

  it('server: reports no rate, with a warning, when nothing meets the p99 bound', async () => {
    const server = await serve((_request, _body, response) => {
      response.writeHead(500).end();
    });
    const log = new MemoryLog();
    const settings = httpSettings(server.url, {
      scenario: 'server',
      latencyBoundMs: 1000,
      rate: 50,
      durationSeconds: 0.1,
      warmupSeconds: 0,
      body: { inputs: [] },
    });
    const output = await httpDriver.run(driverContext(settings, log));

    expect(output.metrics.server_rate_per_second?.value).toBe(0);
    expect(Number(output.runtime.ratesTried)).toBeGreaterThan(1);
    expect(output.metrics.latency_p99_ms).toBeUndefined();
    expect(log.lines).toContain('warning: No request rate kept p99 latency within 1000 ms');
  });

  it('reads time to first token and inter-token gaps from an OpenAI stream', async () => {
    const server = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const text of ['Hel', 'lo', '!']) {
        response.write(`data: ${JSON.stringify({ choices: [{ text }] })}\n\n`);
      }
      response.end('data: [DONE]\n\n');
    });
    const settings = httpSettings(server.url, { protocol: 'openai' });
    const output = await httpDriver.run(driverContext(settings));

    expect(output.metrics.time_to_first_token_p50_ms?.value).toBeGreaterThan(0);
    expect(output.metrics.inter_token_p90_ms?.value).toBeGreaterThanOrEqual(0);
    expect(output.metrics.tokens_per_second?.value).toBeGreaterThan(0);
    expect(JSON.parse(server.bodies[0]!)).toMatchObject({ model: 'silero-vad', stream: true });
  });

  it.each([
    ['no url', { url: undefined }, /benchmark.http.url is required/],
    ['no bound for server', { scenario: 'server' as const }, /latency-bound-ms is required/],
  ])('refuses settings with %s', async (_, changes, message) => {
    const run = httpDriver.run(withSignature(httpSettings('http://127.0.0.1:9', changes)));
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(message);
  });

  it('needs a body when the model has no recorded signature', async () => {
    const run = httpDriver.run(driverContext(httpSettings('http://127.0.0.1:9')));
    await expect(run).rejects.toThrow(/benchmark.http.body is required: model "silero-vad" v3/);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../src/index.js';
import { requestBytes, resolveTarget } from '../src/target.js';

const BODY = { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] };
const ANSWER = JSON.stringify({ model_name: 'm', outputs: [] });

function options(url: string, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return {
    url,
    protocol: 'open-inference',
    model: 'm',
    body: BODY,
    mode: { kind: 'closed', concurrency: 2 },
    durationMs: 300,
    warmupMs: 0,
    timeoutMs: 1000,
    ...overrides,
  };
}

/** A loopback server, counting the connections it accepted. */
interface CountingServer {
  url: string;
  connections: number;
  requests: string[];
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => closeServer(server)));
});

async function listen(server: net.Server, scheme = 'http'): Promise<CountingServer> {
  servers.push(server);
  const counting: CountingServer = { url: '', connections: 0, requests: [] };
  server.on('connection', () => counting.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  counting.url = `${scheme}://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return counting;
}

function closeServer(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** node:http, answering every request through `answer` once its body has arrived. */
function httpServer(answer: (response: http.ServerResponse) => void): http.Server {
  return http.createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response));
  });
}

describe('the request on the wire', () => {
  it('is HTTP/1.1 with Host, Content-Type and Content-Length, and the JSON body', () => {
    const target = resolveTarget(options('http://models.example:8080/base'));
    const text = requestBytes(target).toString('latin1');
    const body = JSON.stringify(BODY);

    expect(text).toBe(
      'POST /base/v2/models/m/infer HTTP/1.1\r\nhost: models.example:8080\r\n' +
        `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
  });

  it('reaches the server whole: node:http reads the path, headers and body', async () => {
    const seen: { url?: string; host?: string; body: string } = { body: '' };
    const server = http.createServer((request, response) => {
      seen.url = request.url;
      seen.host = request.headers.host;
      request.on('data', (chunk: Buffer) => (seen.body += chunk.toString()));
      request.on('end', () => response.end(ANSWER));
    });
    const { url } = await listen(server);

    const report = await runLoad(options(url, { mode: { kind: 'closed', concurrency: 1 } }));

    expect(report.succeeded).toBeGreaterThan(0);
    expect(seen.url).toBe('/v2/models/m/infer');
    expect(seen.host).toBe(new URL(url).host);
    expect(seen.body.slice(-JSON.stringify(BODY).length)).toBe(JSON.stringify(BODY));
  });
});

describe('connections', () => {
  it('keeps one connection per worker alive across requests', async () => {
    const server = await listen(httpServer((response) => response.end(ANSWER)));

    const report = await runLoad(options(server.url, { mode: { kind: 'closed', concurrency: 3 } }));

    expect(report.succeeded).toBeGreaterThan(30);
    expect(report.errors.resets + report.errors.other).toBe(0);
    expect(server.connections).toBe(3);
  });

  it('opens a new connection after an answer with Connection: close', async () => {
    const server = await listen(
      httpServer((response) => {
        response.setHeader('connection', 'close');
        response.end(ANSWER);
      }),
    );

    const report = await runLoad(options(server.url, { mode: { kind: 'closed', concurrency: 1 } }));

    expect(report.succeeded).toBeGreaterThan(5);
    expect(report.requests).toBe(report.succeeded);
    expect(server.connections).toBe(report.succeeded);
  });

  it('reads an answer whose body runs until the server closes the connection', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () =>
        socket.end(`HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n${ANSWER}`),
      );
    });
    const { url } = await listen(server);

    const report = await runLoad(options(url, { mode: { kind: 'closed', concurrency: 1 } }));

    expect(report.succeeded).toBeGreaterThan(5);
    expect(report.requests).toBe(report.succeeded);
  });

  it('reads chunked answers', async () => {
    const server = await listen(
      httpServer((response) => {
        response.write(ANSWER.slice(0, 5));
        response.end(ANSWER.slice(5));
      }),
    );

    const report = await runLoad(options(server.url));

    expect(report.succeeded).toBeGreaterThan(10);
    expect(report.requests).toBe(report.succeeded);
    expect(server.connections).toBe(2);
  });

  it('counts an answer that is not HTTP as other, and reconnects for the next request', async () => {
    const server = net.createServer((socket) => {
      socket.on('data', () => socket.write('SSH-2.0-OpenSSH_9.2\r\n'));
    });
    const counting = await listen(server);

    const report = await runLoad(
      options(counting.url, { mode: { kind: 'closed', concurrency: 1 } }),
    );

    expect(report.succeeded).toBe(0);
    expect(report.errors.other).toBe(report.requests);
    expect(counting.connections).toBe(report.requests);
  });
});

describe('answers out of the ordinary', () => {
  const OK = `HTTP/1.1 200 OK\r\ncontent-length: ${ANSWER.length}\r\n\r\n${ANSWER}`;

  /** A raw server calling `answer` with each request's socket and its number. */
  function rawServer(answer: (socket: net.Socket, index: number) => void): net.Server {
    let index = 0;
    return net.createServer((socket) => {
      socket.on('data', () => answer(socket, index++));
      socket.on('error', () => {});
    });
  }

  it.each([
    ['100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['103 Early Hints', 'HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n'],
  ])('skips an interim %s and times the final answer', async (_name, interim) => {
    const server = rawServer((socket) => {
      socket.write(interim);
      setTimeout(() => socket.write(OK), 20);
    });
    const { url } = await listen(server);

    const report = await runLoad(options(url, { mode: { kind: 'closed', concurrency: 1 } }));

    expect(report.errors.other).toBe(0);
    expect(report.succeeded).toBe(report.requests);
    // About 15 answers 20 ms apart in 300 ms, each timed from its send to its final answer.
    expect(report.succeeded).toBeLessThanOrEqual(16);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(19);
  });

  it('drops a connection whose server sent an extra answer, so answers never shift', async () => {
    const server = rawServer((socket, index) => {
      setTimeout(() => socket.write(index === 0 ? OK + OK : OK), 10);
    });
    const counting = await listen(server);

    const report = await runLoad(
      options(counting.url, { mode: { kind: 'closed', concurrency: 1 } }),
    );

    expect(report.succeeded).toBe(report.requests);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(9);
    expect(report.succeeded).toBeLessThanOrEqual(31);
    expect(counting.connections).toBe(2);
  });

  it('reads nothing more from a connection closed by its answer', async () => {
    const server = rawServer((socket) => {
      socket.end(
        `HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: ${ANSWER.length}\r\n\r\n${ANSWER}${OK}`,
      );
    });
    const counting = await listen(server);

    const report = await runLoad(
      options(counting.url, { mode: { kind: 'closed', concurrency: 1 } }),
    );

    expect(report.succeeded).toBe(report.requests);
    expect(counting.connections).toBe(report.requests);
  });

  it('counts an answer that came after timeoutMs as a timeout', async () => {
    const server = await listen(
      httpServer((response) => setTimeout(() => response.end(ANSWER), 120)),
    );

    const report = await runLoad(
      options(server.url, { mode: { kind: 'closed', concurrency: 1 }, timeoutMs: 100 }),
    );

    expect(report.succeeded).toBe(0);
    expect(report.errors.timeouts).toBe(report.requests);
  });

  it('sends the query string of the URL with every request', async () => {
    const paths: string[] = [];
    const server = http.createServer((request, response) => {
      paths.push(request.url ?? '');
      request.resume();
      request.on('end', () => response.end(ANSWER));
    });
    const { url } = await listen(server);

    await runLoad(options(`${url}/base?api-version=2024-06-01`));

    expect(new Set(paths)).toEqual(new Set(['/base/v2/models/m/infer?api-version=2024-06-01']));
  });
});

describe('https', () => {
  it('verifies the server certificate: a self-signed one fails every request as other', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'envoy-tls-'));
    try {
      const { key, cert } = selfSignedCertificate(folder);
      const server = https.createServer({ key, cert }, (request, response) => {
        request.resume();
        request.on('end', () => response.end(ANSWER));
      });
      const counting = await listen(server, 'https');

      const report = await runLoad(options(counting.url));

      expect(counting.connections).toBeGreaterThan(0);
      expect(report.succeeded).toBe(0);
      expect(report.errors.other).toBe(report.requests);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

/** A key and a self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSignedCertificate(folder: string): { key: Buffer; cert: Buffer } {
  const key = path.join(folder, 'key.pem');
  const cert = path.join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
      ...['-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

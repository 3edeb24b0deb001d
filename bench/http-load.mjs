#!/usr/bin/env node
// Compares @envoy/loadgen's closed loop with autocannon and wrk against one loopback
// Open Inference (v2) server running in its own process. Every tool runs for the same time at
// the same connection count, in interleaved rounds (the machine is shared, so load from
// elsewhere comes and goes); a tool's best round is its highest sustained rate. Prints
// requests/s (best and median round), latencies, the Node clients' CPU time per request, and
// the ratios. From the repository root:
//   node bench/http-load.mjs [seconds per run = 4] [connections = 16] [rounds = 3]
//                            [--pin] [--server=canned|node]
// --pin puts the server on CPU 0 and the clients on CPU 1 (taskset), so that no client's rate
// depends on how much CPU it leaves the server.
// --server=canned (the default) answers from a plain TCP server that writes one ready-made
// HTTP answer per request, fast enough that the client, not the server, sets the rate: this
// measures the clients. --server=node uses node:http, a realistic but slower server that
// every client can saturate.
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const MODEL_PATH = '/v2/models/bench/infer';
const REQUEST = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] };
const ANSWER = {
  model_name: 'bench',
  outputs: [{ name: 'y', shape: [1, 2], datatype: 'FP32', data: [0.25, 0.75] }],
};

if (process.argv[2] === 'serve') {
  if (process.argv[3] === 'node') serveWithNodeHttp();
  else serveCanned();
} else {
  const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
  const numbers = process.argv
    .slice(2)
    .filter((arg) => !arg.startsWith('--'))
    .map(Number);
  const [seconds = 4, connections = 16, rounds = 3] = numbers;
  const server = flags.find((flag) => flag.startsWith('--server='))?.slice(9) ?? 'canned';
  if (!['canned', 'node'].includes(server)) throw new Error(`--server=${server}: canned or node`);
  await main({ seconds, connections, rounds, pin: flags.includes('--pin'), server });
}

/** Server on CPU 0, this process (and the wrk it starts) on CPU 1. */
function pinProcesses(serverPid) {
  for (const [cpu, pid] of [
    ['0', serverPid],
    ['1', process.pid],
  ]) {
    const run = spawnSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`taskset failed: ${run.stderr || run.error}`);
  }
  console.log('pinned: server on CPU 0, clients on CPU 1');
}

/** The server process: answers every request with the same small v2 inference response. */
function serveWithNodeHttp() {
  const answer = Buffer.from(JSON.stringify(ANSWER));
  const headers = { 'content-type': 'application/json', 'content-length': answer.length };
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, headers);
      response.end(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  listen(server);
}

/**
 * The same answer from a plain TCP server: it reads each request's head and its
 * Content-Length body, and writes the ready-made answer. It skips everything a real server
 * does per request, so it outpaces every client here.
 */
function serveCanned() {
  const body = JSON.stringify(ANSWER);
  const answer = Buffer.from(
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n' +
      `content-length: ${body.length}\r\nkeep-alive: timeout=60\r\n\r\n${body}`,
  );
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let length; (length = requestLength(pending)) > 0;) {
        pending = pending.slice(length);
        socket.write(answer);
      }
    });
    socket.on('error', () => {});
  });
  listen(server);
}

/** Bytes of the first whole request in `text`, 0 while it is incomplete. */
function requestLength(text) {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return 0;
  const bodyLength = Number(/content-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? 0);
  const total = headEnd + 4 + bodyLength;
  return text.length >= total ? total : 0;
}

function listen(server) {
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

async function main({ seconds, connections, rounds, pin, server: serverKind }) {
  const { runLoad } = await bundleLoadgen();
  const autocannon = (await import('autocannon')).default;
  const haveWrk = ensureWrk();
  const server = fork(fileURLToPath(import.meta.url), ['serve', serverKind], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  if (pin) pinProcesses(server.pid);
  const base = `http://127.0.0.1:${port}`;
  const cpu = os.cpus();
  console.log(
    `loopback v2 server (${serverKind}) in its own process; ${connections} connections, ${seconds} s per run, ` +
      `${rounds} rounds; ${cpu.length} CPUs (${cpu[0]?.model ?? 'unknown'}), node ${process.version}`,
  );

  const tools = [
    () => runAutocannon(autocannon, base, seconds, connections),
    ...(haveWrk ? [() => runWrk(base, seconds, connections)] : []),
    () => runEnvoy(runLoad, base, seconds, connections),
  ];
  const runs = [];
  try {
    // One unmeasured second of each Node client warms up the server and both JITs.
    await runAutocannon(autocannon, base, 1, connections);
    await runEnvoy(runLoad, base, 1, connections);
    for (let round = 0; round < rounds; round++) {
      // Odd rounds run the tools in reverse order, so that none always follows the same one.
      const order = round % 2 === 0 ? tools : [...tools].reverse();
      const done = [];
      for (const tool of order) done.push(...[await tool()].flat());
      runs.push(...done);
      const summary = done.map((run) => `${run.tool} ${Math.round(run.rps)}/s`).join(', ');
      console.log(`round ${round + 1}: ${summary}`);
    }
  } finally {
    server.disconnect();
  }
  printTable(summarisePerTool(runs));
}

/** Bundles the TypeScript package (and the @envoy packages it uses) into one .mjs file. */
async function bundleLoadgen() {
  let rolldown;
  try {
    rolldown = await import('rolldown');
  } catch {
    throw new Error('the bench bundles TypeScript with rolldown, which vitest installs (via vite)');
  }
  // Under node_modules, so that the bundle's bare imports (undici, hdr-histogram-js) resolve.
  const outDir = path.join(root, 'node_modules', '.cache', 'envoy-bench');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'loadgen.mjs');
  await rolldown.build({
    input: path.join(root, 'packages', 'loadgen', 'src', 'index.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('@envoy/'),
    output: { file, format: 'esm' },
    logLevel: 'silent',
  });
  return import(pathToFileURL(file).href);
}

async function runAutocannon(autocannon, base, seconds, connections) {
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: base + MODEL_PATH,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(REQUEST),
    connections,
    duration: seconds,
  });
  return {
    tool: 'autocannon 9',
    rps: result.requests.total / seconds,
    // autocannon keeps whole milliseconds.
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    cpuPerRequestUs: cpuMicroseconds(cpuBefore) / result.requests.total,
  };
}

function runWrk(base, seconds, connections) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'envoy-wrk-'));
  const script = path.join(dir, 'post.lua');
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = '${JSON.stringify(REQUEST)}'\n` +
      `wrk.headers["Content-Type"] = "application/json"\n`,
  );
  try {
    return [1, 2].map((threads) => {
      const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script];
      const run = spawnSync('wrk', [...args, base + MODEL_PATH], { encoding: 'utf8' });
      return parseWrk(run.stdout, `wrk, ${threads} thread${threads > 1 ? 's' : ''}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ensureWrk() {
  if (spawnSync('wrk', ['--version']).error === undefined) return true;
  console.log('wrk not found; trying `apt-get install -y wrk`');
  spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  if (spawnSync('wrk', ['--version']).error === undefined) return true;
  console.log('wrk could not be installed: the wrk rows are skipped');
  return false;
}

function parseWrk(output, tool) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN);
  const percentile = (p) => toMs(new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)\\b`).exec(output));
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const socketErrors = socket ? socket.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0;
  return { tool, rps, p50: percentile(50), p99: percentile(99), errors: non2xx + socketErrors };
}

function toMs(match) {
  if (!match) return NaN;
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2]];
  return Number(match[1]) * scale;
}

async function runEnvoy(runLoad, base, seconds, connections) {
  const cpuBefore = process.cpuUsage();
  const report = await runLoad({
    url: base,
    protocol: 'open-inference',
    model: 'bench',
    body: REQUEST,
    mode: { kind: 'closed', concurrency: connections },
    durationMs: seconds * 1000,
    warmupMs: 0,
    timeoutMs: 10_000,
  });
  return {
    tool: '@envoy/loadgen',
    rps: report.throughputPerSecond,
    p50: report.latencyMs.p50,
    p99: report.latencyMs.p99,
    errors: Object.values(report.errors).reduce((sum, count) => sum + count, 0),
    cpuPerRequestUs: cpuMicroseconds(cpuBefore) / report.requests,
  };
}

/** CPU time (user and system) this process spent since `before`, in microseconds. */
function cpuMicroseconds(before) {
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/**
 * Per tool, in the order the tools first ran: its best round (the highest sustained rate,
 * whose latencies and CPU are shown) and the median rate of its rounds.
 */
function summarisePerTool(runs) {
  const byTool = new Map();
  for (const run of runs) byTool.set(run.tool, [...(byTool.get(run.tool) ?? []), run]);
  return [...byTool.values()].map((rounds) => {
    const rates = rounds.map((run) => run.rps).sort((a, b) => a - b);
    const middle = Math.floor(rates.length / 2);
    const median = rates.length % 2 ? rates[middle] : (rates[middle - 1] + rates[middle]) / 2;
    const best = rounds.reduce((top, run) => (run.rps > top.rps ? run : top));
    return { ...best, medianRps: median };
  });
}

function printTable(rows) {
  const envoy = rows.find((row) => row.tool === '@envoy/loadgen');
  const ratio = (row, key) => (envoy && row !== envoy ? (envoy[key] / row[key]).toFixed(2) : '');
  console.log('');
  console.log(
    '| tool | best req/s | median req/s | p50 ms | p99 ms | errors | CPU µs/request | ' +
      'envoy ÷ tool, best | envoy ÷ tool, median |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const cpu = row.cpuPerRequestUs === undefined ? 'n/a' : row.cpuPerRequestUs.toFixed(1);
    const rates = [Math.round(row.rps), Math.round(row.medianRps)];
    const cells = [row.tool, ...rates, fixed(row.p50), fixed(row.p99), row.errors, cpu];
    console.log(`| ${[...cells, ratio(row, 'rps'), ratio(row, 'medianRps')].join(' | ')} |`);
  }
}

function fixed(value) {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

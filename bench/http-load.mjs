#!/usr/bin/env node
// Compares @envoy/loadgen's closed loop with autocannon and wrk against one loopback
// Open Inference (v2) server running in its own process. Every tool runs for the same time at
// the same connection count, in interleaved rounds (the machine is shared, so load from
// elsewhere comes and goes); a tool's best round is its highest sustained rate. Prints
// requests/s, latencies, the Node clients' CPU time per request, and the ratios.
// From the repository root:
//   node bench/http-load.mjs [seconds per run = 4] [connections = 16] [rounds = 3] [--pin]
// --pin puts the server on CPU 0 and the clients on CPU 1 (taskset), so that no client's rate
// depends on how much CPU it leaves the server.
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
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
  serve();
} else {
  const pin = process.argv.includes('--pin');
  const numbers = process.argv
    .slice(2)
    .filter((arg) => arg !== '--pin')
    .map(Number);
  const [seconds = 4, connections = 16, rounds = 3] = numbers;
  await main(seconds, connections, rounds, pin);
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
function serve() {
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
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

async function main(seconds, connections, rounds, pin) {
  const { runLoad } = await bundleLoadgen();
  const autocannon = (await import('autocannon')).default;
  const haveWrk = ensureWrk();
  const server = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  if (pin) pinProcesses(server.pid);
  const base = `http://127.0.0.1:${port}`;
  const cpu = os.cpus();
  console.log(
    `loopback v2 server in its own process; ${connections} connections, ${seconds} s per run, ` +
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
  printTable(bestPerTool(runs));
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

/** Each tool's round with the most requests per second, in the order the tools first ran. */
function bestPerTool(runs) {
  const best = new Map();
  for (const run of runs) {
    if (!best.has(run.tool) || run.rps > best.get(run.tool).rps) best.set(run.tool, run);
  }
  return [...best.values()];
}

function printTable(rows) {
  const envoy = rows.find((row) => row.tool === '@envoy/loadgen');
  console.log('');
  console.log('| tool | requests/s | p50 ms | p99 ms | errors | CPU µs/request | envoy ÷ tool |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ratio = envoy && row !== envoy ? (envoy.rps / row.rps).toFixed(2) : '';
    const cpu = row.cpuPerRequestUs === undefined ? 'n/a' : row.cpuPerRequestUs.toFixed(1);
    const cells = [row.tool, Math.round(row.rps), fixed(row.p50), fixed(row.p99), row.errors];
    console.log(`| ${[...cells, cpu, ratio].join(' | ')} |`);
  }
}

function fixed(value) {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

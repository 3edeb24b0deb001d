#!/usr/bin/env node
// Measures what the onnxruntime benchmark driver costs per iteration over a bare loop of
// `await session.run(feeds)`, on Silero VAD v5 (input [1,512], state [2,1,128], sr=16000).
// Rounds interleave driver (A) and bare loop (B) — A B A B ... — so drift hits both alike.
// Each side's per-iteration time is its timed loop's wall time over its iterations. On a busy
// machine the rounds differ more than the driver costs; the in-loop figure (the driver's own
// wall time per iteration over its mean timed `session.run`) is the steadier one.
// Run from the repository root: `node bench/onnxruntime-overhead.mjs [rounds] [iterations]`.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const MODEL = path.join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const WARMUP = 200;

const ort = createRequire(path.join(root, 'package.json'))('onnxruntime-node');
await main(Number(process.argv[2] ?? 30), Number(process.argv[3] ?? 1000));

async function main(rounds, iterations) {
  const { onnxruntimeDriver, summariseLatencies } = await bundleBenchmark();
  console.log(
    `Silero VAD v5, ${rounds} rounds x ${iterations} iterations per side (warm-up ${WARMUP}); ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ` +
      `onnxruntime-node ${ort.env.versions.common}, load average ${loadAverage()}`,
  );
  const driverUs = [];
  const bareUs = [];
  const driverP50Us = [];
  const bookkeeping = [];
  for (let round = 0; round < rounds; round++) {
    const output = await onnxruntimeDriver.run(driverContext(iterations));
    driverUs.push(1e6 / output.metrics.inferences_per_second.value);
    driverP50Us.push(output.metrics.latency_p50_ms.value * 1000);
    const meanUs = output.metrics.latency_mean_ms.value * 1000;
    bookkeeping.push((driverUs.at(-1) / meanUs - 1) * 100);
    bareUs.push(await bareLoop(iterations));
  }
  const driver = summariseLatencies(driverUs).p50;
  const bare = summariseLatencies(bareUs).p50;
  const pairwise = driverUs.map((value, index) => (value / bareUs[index] - 1) * 100);
  console.log(`bare loop     median ${bare.toFixed(2)} us/iteration`);
  console.log(
    `driver        median ${driver.toFixed(2)} us/iteration ` +
      `(its own p50 latency ${summariseLatencies(driverP50Us).p50.toFixed(2)} us)`,
  );
  console.log(`overhead      ${((driver / bare - 1) * 100).toFixed(2)}% (of the medians)`);
  console.log(
    `pairwise      median ${summariseLatencies(pairwise).p50.toFixed(2)}% ` +
      `(each round's driver over its bare loop)`,
  );
  console.log(
    `in-loop       median ${summariseLatencies(bookkeeping).p50.toFixed(3)}% ` +
      `(driver wall time per iteration over its mean timed session.run)`,
  );
  console.log(`load average  ${loadAverage()} at the end`);
}

function loadAverage() {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** The driver as runBenchmark calls it, on this CPU, without probing or telemetry. */
function driverContext(iterations) {
  const quiet = {
    info() {},
    debug() {},
    warning() {},
    error() {},
    mask() {},
    group: (_, w) => w(),
  };
  const settings = {
    driver: 'onnxruntime',
    warmup: WARMUP,
    iterations,
    trials: 1,
    maxCv: 1,
    dimensions: {},
    inputs: { input: { shape: [1, 512] }, state: { shape: [2, 1, 128] }, sr: { value: 16000 } },
    executionProviders: ['cpu'],
    batchSizes: [1],
    progressSeconds: 0,
  };
  const hardware = { kind: 'cpu', accelerators: [] };
  return {
    request: { modelFile: MODEL, settings, model: { model: 'silero-vad' }, root },
    hardware,
    tools: undefined,
    log: quiet,
    loadRuntime: async () => ort,
    startTelemetry: () => ({ stop: async () => ({ samples: 0, intervalMs: 150 }) }),
  };
}

/** The same session options and the same feeds, timed as one block around a bare loop. */
async function bareLoop(iterations) {
  const session = await ort.InferenceSession.create(MODEL, { executionProviders: ['cpu'] });
  const random = (length) => Float32Array.from({ length }, () => Math.random() * 2 - 1);
  const feeds = {
    input: new ort.Tensor('float32', random(512), [1, 512]),
    state: new ort.Tensor('float32', random(256), [2, 1, 128]),
    sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []),
  };
  for (let index = 0; index <= WARMUP; index++) await session.run(feeds);
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) await session.run(feeds);
  const elapsedNs = Number(process.hrtime.bigint() - start);
  await session.release();
  return elapsedNs / 1000 / iterations;
}

async function bundleBenchmark() {
  let rolldown;
  try {
    rolldown = await import('rolldown');
  } catch {
    throw new Error(
      'bench needs rolldown (installed with vitest, through vite) to bundle TypeScript',
    );
  }
  // Inside node_modules so that the bundle's bare imports (simple-statistics, ajv) resolve.
  const outDir = path.join(root, 'node_modules', '.cache', 'envoy-bench');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'benchmark.mjs');
  await rolldown.build({
    input: path.join(root, 'packages', 'benchmark', 'src', 'index.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('@envoy/'),
    output: { file, format: 'esm' },
    logLevel: 'silent',
  });
  return import(pathToFileURL(file).href);
}

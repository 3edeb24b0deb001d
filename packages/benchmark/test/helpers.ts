import { fileURLToPath } from 'node:url';
import {
  MemoryLog,
  ProcessToolRunner,
  type BenchmarkResults,
  type HardwareFingerprint,
  type ModelVersion,
} from '@envoy/core';
import type { BenchmarkSettings, HardwareTarget } from '@envoy/config';
import { startTelemetry } from '@envoy/hardware';
import { loadOnnxRuntime } from '@envoy/onnx';
import type { DriverContext } from '../src/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SILERO_FILE = fileURLToPath(
  new URL('../../../node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx', import.meta.url),
);
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Small, fast settings for Silero VAD v5: input [batch, 512], state [2, batch, 128], sr. */
export function sileroSettings(changes: Partial<BenchmarkSettings> = {}): BenchmarkSettings {
  return {
    driver: 'onnxruntime',
    warmup: 2,
    iterations: 20,
    trials: 2,
    maxCv: 10,
    dimensions: {},
    inputs: {
      input: { shape: ['batch', 512] },
      state: { shape: [2, 'batch', 128] },
      sr: { value: 16000 },
    },
    executionProviders: ['cpu'],
    batchSizes: [1],
    progressSeconds: 0,
    ...changes,
  };
}

export const SILERO_VERSION: ModelVersion = {
  model: 'silero-vad',
  version: 3,
  digest: 'sha256:' + 'ab'.repeat(32),
  format: 'onnx',
  source: 'models/silero-vad',
  files: [{ path: 'silero_vad_v5.onnx', bytes: 2_327_524 }],
  lineage: {},
  createdAt: '2026-01-02T03:04:05.000Z',
};

export function target(changes: Partial<HardwareTarget> = {}): HardwareTarget {
  return {
    name: 'cpu-x86',
    kind: 'cpu',
    runsOn: ['ubuntu-latest'],
    requireAccelerator: false,
    benchmarkOverrides: {},
    ...changes,
  };
}

/** A CPU-only fingerprint, for driver tests that do not probe. */
export const CPU_ONLY: HardwareFingerprint = {
  class: 'cpu-test',
  kind: 'cpu',
  os: { platform: 'linux', release: '6.1' },
  cpu: { model: 'Test CPU', architecture: 'x64', cores: 2 },
  memoryMiB: 4096,
  accelerators: [],
};

export function loadRuntime(log = new MemoryLog()) {
  return loadOnnxRuntime({ searchFrom: [REPO_ROOT] }, new ProcessToolRunner(log), log);
}

/** A driver context over the real runtime and real (CPU-only, so empty) telemetry. */
export function driverContext(settings: BenchmarkSettings, log = new MemoryLog()): DriverContext {
  const tools = new ProcessToolRunner(log);
  return {
    request: {
      model: SILERO_VERSION,
      modelFile: SILERO_FILE,
      target: target(),
      settings,
      root: REPO_ROOT,
    },
    hardware: CPU_ONLY,
    tools,
    log,
    loadRuntime: () => loadRuntime(log),
    startTelemetry: () => startTelemetry(CPU_ONLY, tools, log),
  };
}

/** A complete, valid results file. */
export const RESULTS: BenchmarkResults = {
  schemaVersion: 1,
  model: SILERO_VERSION.model,
  version: SILERO_VERSION.version,
  digest: SILERO_VERSION.digest,
  target: 'cpu-x86',
  driver: 'onnxruntime',
  hardware: CPU_ONLY,
  runtime: { executionProvider: 'cpu' },
  metrics: {
    latency_p50_ms: { value: 0.21, unit: 'ms', direction: 'smaller-is-better', source: 'measured' },
    f1: { value: 0.9, unit: '', direction: 'bigger-is-better', source: 'evaluation' },
  },
  trials: [
    { latenciesMs: [0.2, 0.21], inferencesPerSecond: 4800 },
    { latenciesMs: [0.22, 0.2], inferencesPerSecond: 4700 },
  ],
  stability: { coefficientOfVariation: 0.03, maxCoefficientOfVariation: 0.1, stable: true },
  startedAt: '2026-01-02T03:04:05.000Z',
  finishedAt: '2026-01-02T03:04:09.000Z',
};

import type {
  BenchmarkSettings,
  DeployTarget,
  GateSettings,
  HardwareTarget,
  RegistrySettings,
} from './types.js';

export const DEFAULT_OUTPUT_DIR = '.envoy';

export const DEFAULT_REGISTRY: RegistrySettings = {
  path: '.envoy/registry',
  branch: 'envoy-registry',
  remote: 'origin',
};

export const DEFAULT_BENCHMARK: BenchmarkSettings = {
  driver: 'onnxruntime',
  warmup: 20,
  iterations: 200,
  trials: 3,
  maxCv: 0.1,
  dimensions: {},
  inputs: {},
  executionProviders: ['cpu'],
  batchSizes: [1],
  progressSeconds: 5,
};

export const DEFAULT_EVALUATION_TIMEOUT_SECONDS = 600;

export const DEFAULT_GATE: GateSettings = {
  rules: [],
  promoteTo: 'production',
  baselineAlias: 'production',
};

export const DEFAULT_HARDWARE: HardwareTarget = {
  name: 'cpu',
  kind: 'cpu',
  runsOn: ['ubuntu-latest'],
  requireAccelerator: false,
  benchmarkOverrides: {},
};

export const DEFAULT_DEPLOY: DeployTarget = {
  name: 'local',
  kind: 'local',
  alias: 'production',
  host: '127.0.0.1',
  port: 0,
  environment: 'production',
  healthTimeoutSeconds: 30,
};

export const DEFAULT_HTTP = {
  protocol: 'open-inference',
  scenario: 'single-stream',
  concurrency: [1],
  durationSeconds: 10,
  warmupSeconds: 2,
  timeoutMs: 10_000,
} as const;

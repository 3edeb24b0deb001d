import type { HardwareKind } from '@envoy/core';

/** Where a value was written in envoy.yaml. Lines and columns count from 1. */
export interface Position {
  line: number;
  column: number;
}

export type RegistryBackend = 'local' | 'git';

export interface RegistrySettings {
  /** `local` by default, `git` by default inside GitHub Actions. */
  backend?: RegistryBackend;
  /** local: the registry's folder, relative to the workspace. */
  path: string;
  /** git: the branch that holds the registry. */
  branch: string;
  /** git: the remote to fetch from and push to. */
  remote: string;
}

export interface InputOverride {
  /** Replaces the signature's shape (symbolic dimensions may stay as names). */
  shape?: Array<number | string>;
  type?: string;
  fill?: 'zeros' | 'ones' | 'random' | 'constant';
  /** With fill `constant`, or alone: the value every element takes. */
  value?: number;
}

export type DriverName = 'onnxruntime' | 'command' | 'http';

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface CommandDriverSettings {
  /** argv of the user's benchmark, run without a shell. */
  run: string[];
  /** What it writes: envoy, github-action-benchmark, pytest-benchmark, google-benchmark, perf-analyzer, mlperf-loadgen. */
  format: string;
  /** The file it writes; standard output when absent. */
  output?: string;
}

export interface HttpDriverSettings {
  url?: string;
  protocol: 'open-inference' | 'openai';
  scenario: 'single-stream' | 'server' | 'offline';
  /** Closed loop: concurrency levels swept in order. */
  concurrency: number[];
  /** Open loop: target request rate per second (Poisson arrivals). */
  rate?: number;
  durationSeconds: number;
  warmupSeconds: number;
  timeoutMs: number;
  /** server scenario: the p99 bound in milliseconds. */
  latencyBoundMs?: number;
  /** Request body for OpenAI endpoints, or an inference request for v2 endpoints. */
  body?: unknown;
}

export interface BenchmarkSettings {
  driver: DriverName;
  warmup: number;
  iterations: number;
  trials: number;
  /** Above this coefficient of variation across trials the result is "unstable". */
  maxCv: number;
  /** Values for the model's symbolic dimensions, by name. */
  dimensions: Record<string, number>;
  inputs: Record<string, InputOverride>;
  executionProviders: ExecutionProvider[];
  batchSizes: number[];
  progressSeconds: number;
  command?: CommandDriverSettings;
  http?: HttpDriverSettings;
}

export interface EvaluationSettings {
  /** argv, run without a shell; `{model}` is replaced by the model file's path. */
  command: string[];
  timeoutSeconds: number;
}

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** The right-hand side of a rule: a number, or arithmetic on the production baseline. */
export type RuleThreshold =
  | { kind: 'absolute'; value: number }
  | { kind: 'baseline'; operator: '*' | '+' | '-' | 'none'; operand: number };

/** One parsed gate rule, e.g. `latency_p50_ms <= baseline * 1.10`. */
export interface GateRule {
  text: string;
  metric: string;
  operator: ComparisonOperator;
  threshold: RuleThreshold;
  /** Where the rule is written, for annotations on failing rules. */
  position?: Position;
}

export interface GateSettings {
  rules: GateRule[];
  /** The alias a passing version moves to; none when absent. */
  promoteTo?: string;
  /** The alias whose version is the baseline. */
  baselineAlias: string;
}

export type DeployKind = 'local';

export interface DeployTarget {
  name: string;
  kind: DeployKind;
  /** The alias whose version this target serves. */
  alias: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** GitHub environment the deployment is recorded under. */
  environment: string;
  healthTimeoutSeconds: number;
}

export interface HardwareTarget {
  name: string;
  kind: HardwareKind;
  /** Runner labels a workflow matrix uses for this target. */
  runsOn: string[];
  /** Fail when the accelerator the kind names is not found; true for every kind but cpu. */
  requireAccelerator: boolean;
  /** Benchmark settings this target changes, such as its execution providers. */
  benchmarkOverrides: Partial<BenchmarkSettings>;
}

export interface ModelSettings {
  name: string;
  /** A file or a folder of files, relative to the workspace. */
  path: string;
  format: 'onnx' | 'other';
  benchmark: BenchmarkSettings;
  evaluation?: EvaluationSettings;
  gate: GateSettings;
  position?: Position;
}

/** envoy.yaml after validation and defaults. */
export interface EnvoyConfig {
  /** The file it was read from ('' for embedded defaults). */
  file: string;
  /** The folder paths in it are relative to. */
  root: string;
  registry: RegistrySettings;
  models: ModelSettings[];
  hardware: HardwareTarget[];
  deploy: DeployTarget[];
  /** Where images, results and reports are written, relative to root. */
  outputDir: string;
}

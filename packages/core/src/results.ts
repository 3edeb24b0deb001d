import type { HardwareFingerprint } from './hardware.js';

export type Direction = 'smaller-is-better' | 'bigger-is-better';

/** One number a benchmark or evaluation produced. */
export interface Metric {
  value: number;
  unit: string;
  direction: Direction;
  /** `measured` by an Envoy driver, or reported by the user's `evaluation` command. */
  source: 'measured' | 'evaluation';
}

/** One trial's raw samples, kept so later gates can do statistics over them. */
export interface Trial {
  /** Latency of each timed iteration, in milliseconds. */
  latenciesMs: number[];
  inferencesPerSecond: number;
}

export interface Stability {
  /** Coefficient of variation across trials of the headline latency (stddev / mean). */
  coefficientOfVariation: number;
  maxCoefficientOfVariation: number;
  stable: boolean;
}

export const RESULTS_SCHEMA_VERSION = 1;

/** The results file benchmark-on-hardware writes and gate-on-metrics reads. */
export interface BenchmarkResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  model: string;
  version: number;
  digest: string;
  target: string;
  driver: string;
  hardware: HardwareFingerprint;
  /** What actually ran, e.g. the execution provider ONNX Runtime used. */
  runtime: Record<string, string>;
  metrics: Record<string, Metric>;
  trials: Trial[];
  stability?: Stability;
  startedAt: string;
  finishedAt: string;
}

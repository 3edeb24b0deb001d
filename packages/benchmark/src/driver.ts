import type {
  HardwareFingerprint,
  Log,
  Metric,
  ModelVersion,
  ToolRunner,
  Trial,
} from '@envoy/core';
import type {
  BenchmarkSettings,
  DriverName,
  EvaluationSettings,
  HardwareTarget,
} from '@envoy/config';
import type { OnnxRuntime } from '@envoy/onnx';
import type { TelemetrySession } from '@envoy/hardware';

/** What to benchmark, where, and how. */
export interface BenchmarkRequest {
  model: ModelVersion;
  /** Absolute path of the .onnx file (or the model's folder for the command driver). */
  modelFile: string;
  target: HardwareTarget;
  /** Benchmark settings, already merged with the target's overrides. */
  settings: BenchmarkSettings;
  evaluation?: EvaluationSettings;
  /** The workspace: commands run here and relative paths resolve from here. */
  root: string;
}

/** Everything a driver may use; drivers reach nothing else. */
export interface DriverContext {
  request: BenchmarkRequest;
  hardware: HardwareFingerprint;
  tools: ToolRunner;
  log: Log;
  loadRuntime: () => Promise<OnnxRuntime>;
  /** Starts sampling the device (power, memory, utilisation) until `stop()`. */
  startTelemetry: () => TelemetrySession;
}

export interface DriverOutput {
  metrics: Record<string, Metric>;
  /** The headline measurement's trials, raw samples kept. Empty when the driver has none. */
  trials: Trial[];
  /** What actually ran: execution provider, command, endpoint. */
  runtime: Record<string, string>;
}

/** The seam for benchmark drivers: one per `benchmark.driver` value. */
export interface Driver {
  name: DriverName;
  run(context: DriverContext): Promise<DriverOutput>;
}

export function measured(value: number, unit: string, direction: Metric['direction']): Metric {
  return { value, unit, direction, source: 'measured' };
}

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { UserError } from '@envoy/core';
import type { HardwareFingerprint, Log, ToolRunner } from '@envoy/core';
import { startNvidiaLoop } from './telemetry-nvidia.js';
import { startPolling } from './telemetry-poll.js';
import { amdSampler, xrtSampler } from './telemetry-samplers.js';
import type { TelemetrySession } from './telemetry-summary.js';

/** Starts a long-running sampling process; tests substitute their own. */
export type SpawnLoop = (tool: string, args: readonly string[]) => ChildProcessWithoutNullStreams;

export interface TelemetryOptions {
  /** 100 to 200 ms; 150 by default. */
  intervalMs?: number;
  spawnLoop?: SpawnLoop;
  /** Environment of the sampling process; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Clock for polled tools, in milliseconds. */
  now?: () => number;
}

export const DEFAULT_TELEMETRY_INTERVAL_MS = 150;

/**
 * Samples the fingerprint's accelerators until `stop()`: NVIDIA through one streaming
 * `nvidia-smi -lms` process, AMD by polling amd-smi (or rocm-smi), AMD/Xilinx FPGAs by polling
 * XRT's electrical report. A CPU-only machine, or one whose tools give nothing, summarises
 * to zero samples.
 */
export function startTelemetry(
  fingerprint: HardwareFingerprint,
  tools: ToolRunner,
  log: Log,
  options: TelemetryOptions = {},
): TelemetrySession {
  const intervalMs = checkInterval(options.intervalMs ?? DEFAULT_TELEMETRY_INTERVAL_MS);
  const now = options.now ?? Date.now;
  if (fingerprint.kind === 'nvidia-gpu') {
    const spawnLoop =
      options.spawnLoop ??
      ((tool, args) => spawn(tool, args, { env: options.env ?? process.env, stdio: 'pipe' }));
    return startNvidiaLoop(spawnLoop, log, intervalMs);
  }
  if (fingerprint.kind === 'amd-gpu') {
    return startPolling(amdSampler(tools, log), log, intervalMs, now);
  }
  const cards = fingerprint.accelerators.filter((card) => card.vendor === 'AMD Xilinx' && card.id);
  if (fingerprint.kind === 'fpga' && cards.length > 0) {
    const addresses = cards.map((card) => card.id!);
    return startPolling(xrtSampler(tools, log, addresses), log, intervalMs, now);
  }
  log.debug(`No telemetry for hardware kind ${fingerprint.kind}`);
  return { stop: () => Promise.resolve({ samples: 0, intervalMs }) };
}

function checkInterval(intervalMs: number): number {
  if (Number.isInteger(intervalMs) && intervalMs >= 100 && intervalMs <= 200) return intervalMs;
  throw new UserError(`Telemetry interval must be 100 to 200 ms, got ${intervalMs}`);
}

import { describeError } from '@envoy/core';
import type { Log } from '@envoy/core';
import { summarizeTelemetry } from './telemetry-summary.js';
import type {
  DeviceReading,
  TelemetryRound,
  TelemetrySession,
  TelemetrySummary,
} from './telemetry-summary.js';

/** Takes one round of readings by running a tool to completion. */
export interface Sampler {
  /** Readings, or undefined when this round gave none. */
  sample(): Promise<DeviceReading[] | undefined>;
  /** The tool the readings came from. */
  source(): string | undefined;
  /** False once no tool can give readings, which ends polling. */
  usable(): boolean;
  /** Cleans up after the last round. */
  close?(): Promise<void>;
}

/**
 * Polls a sampler, starting a round every `intervalMs` or as soon as the previous one ends
 * if it took longer (amd-smi needs most of a second a call).
 */
export function startPolling(
  sampler: Sampler,
  log: Log,
  intervalMs: number,
  now: () => number,
): TelemetrySession {
  const rounds: TelemetryRound[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopped && sampler.usable()) {
      const started = now();
      const readings = await sampler.sample().catch((error: unknown) => {
        log.debug(`Telemetry sampling failed: ${describeError(error)}`);
        return undefined;
      });
      if (readings?.length) rounds.push({ timeMs: started, readings });
      const wait = Math.max(0, intervalMs - (now() - started));
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, wait);
      });
    }
  })();
  return {
    async stop(): Promise<TelemetrySummary> {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      await sampler.close?.();
      return summarizeTelemetry(rounds, intervalMs, sampler.source());
    },
  };
}

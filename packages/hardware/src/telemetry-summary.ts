import { max, mean } from 'simple-statistics';

/** What the device did while a benchmark ran. Totals are over all sampled devices. */
export interface TelemetrySummary {
  /** Sampling rounds kept (one reading of every device each). */
  samples: number;
  intervalMs: number;
  /** The highest device memory in use in one round, summed over devices. */
  peakMemoryMiB?: number;
  /** The mean of each round's power, summed over devices. */
  meanPowerW?: number;
  /** Power integrated over the sample timestamps (trapezoid rule). */
  energyJ?: number;
  /** The mean utilisation over every device reading. */
  meanUtilizationPercent?: number;
  /** The tool the samples came from, such as nvidia-smi. */
  source?: string;
}

export interface TelemetrySession {
  /** Ends sampling (the sampling process is terminated and awaited) and summarises it. */
  stop(): Promise<TelemetrySummary>;
}

/** One device's values in one sampling round; absent values were not reported. */
export interface DeviceReading {
  device: string;
  utilizationPercent?: number;
  memoryUsedMiB?: number;
  powerW?: number;
}

export interface TelemetryRound {
  /** Milliseconds on the sampling tool's clock; only differences between rounds matter. */
  timeMs: number;
  readings: DeviceReading[];
}

/** Summarises sampling rounds; see TelemetrySummary for what each figure means. */
export function summarizeTelemetry(
  rounds: readonly TelemetryRound[],
  intervalMs: number,
  source?: string,
): TelemetrySummary {
  const summary: TelemetrySummary = { samples: rounds.length, intervalMs };
  if (rounds.length === 0) return summary;
  summary.source = source;
  const memory = rounds.map((round) => total(round, 'memoryUsedMiB'));
  const power = rounds.map((round) => ({ timeMs: round.timeMs, watts: total(round, 'powerW') }));
  const utilization = rounds.flatMap((round) =>
    round.readings.flatMap((reading) => reading.utilizationPercent ?? []),
  );
  const knownMemory = memory.filter((value) => value !== undefined);
  if (knownMemory.length > 0) summary.peakMemoryMiB = max(knownMemory);
  const knownPower = power.flatMap((sample) => sample.watts ?? []);
  if (knownPower.length > 0) summary.meanPowerW = mean(knownPower);
  summary.energyJ = integrateEnergy(power);
  if (utilization.length > 0) summary.meanUtilizationPercent = mean(utilization);
  return summary;
}

function total(round: TelemetryRound, key: 'memoryUsedMiB' | 'powerW'): number | undefined {
  const values = round.readings.flatMap((reading) => reading[key] ?? []);
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0);
}

/** Joules by the trapezoid rule over consecutive rounds that both report power. */
function integrateEnergy(power: { timeMs: number; watts?: number }[]): number | undefined {
  let joules: number | undefined;
  for (let index = 1; index < power.length; index += 1) {
    const before = power[index - 1]!;
    const after = power[index]!;
    if (before.watts === undefined || after.watts === undefined) continue;
    const seconds = (after.timeMs - before.timeMs) / 1000;
    joules = (joules ?? 0) + ((before.watts + after.watts) / 2) * seconds;
  }
  return joules;
}

import { createInterface } from 'node:readline';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { lastLines } from '@envoy/core';
import type { Log } from '@envoy/core';
import type { SpawnLoop } from './telemetry.js';
import { summarizeTelemetry } from './telemetry-summary.js';
import type {
  DeviceReading,
  TelemetryRound,
  TelemetrySession,
  TelemetrySummary,
} from './telemetry-summary.js';
import { readNumber } from './values.js';

export const NVIDIA_TELEMETRY_QUERY =
  '--query-gpu=timestamp,index,utilization.gpu,memory.used,power.draw';

/** How long a stopped nvidia-smi gets to exit on SIGTERM before it is killed. */
const EXIT_GRACE_MS = 3000;

export interface NvidiaTelemetryLine {
  timeMs: number;
  reading: DeviceReading;
}

/**
 * Reads one line of `nvidia-smi --query-gpu=timestamp,index,utilization.gpu,memory.used,
 * power.draw --format=csv,noheader,nounits`, such as
 * "2024/03/12 10:15:02.113, 0, 87, 25344, 412.61". Values the GPU does not report ("[N/A]")
 * are left out. The timestamp is read as UTC: only differences are used, and UTC has no
 * daylight-saving jumps. Returns undefined for a line that is not a sample.
 */
export function parseNvidiaSmiTelemetryLine(line: string): NvidiaTelemetryLine | undefined {
  const fields = line.split(/\s*,\s+/).map((field) => field.trim());
  if (fields.length !== 5) return undefined;
  const [timestamp, index, utilization, memory, power] = fields;
  const time = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(
    timestamp ?? '',
  );
  const device = readNumber(index);
  if (!time || device === undefined) return undefined;
  const [year, month, day, hours, minutes, seconds] = time.slice(1, 7).map(Number);
  const millis = Number((time[7] ?? '0').padEnd(3, '0'));
  const timeMs = Date.UTC(year!, month! - 1, day, hours, minutes, seconds, millis);
  const reading: DeviceReading = { device: String(device) };
  const utilizationPercent = readNumber(utilization);
  const memoryUsedMiB = readNumber(memory);
  const powerW = readNumber(power);
  if (utilizationPercent !== undefined) reading.utilizationPercent = utilizationPercent;
  if (memoryUsedMiB !== undefined) reading.memoryUsedMiB = memoryUsedMiB;
  if (powerW !== undefined) reading.powerW = powerW;
  return { timeMs, reading };
}

/**
 * Groups streamed lines into rounds: nvidia-smi prints every GPU once a round, so a device
 * seen again starts the next round.
 */
export class RoundCollector {
  readonly rounds: TelemetryRound[] = [];

  add({ timeMs, reading }: NvidiaTelemetryLine): void {
    const current = this.rounds.at(-1);
    if (current && !current.readings.some((seen) => seen.device === reading.device)) {
      current.readings.push(reading);
    } else {
      this.rounds.push({ timeMs, readings: [reading] });
    }
  }

  /** The rounds, less a last one that stopping cut short. */
  complete(): TelemetryRound[] {
    const last = this.rounds.at(-1);
    const before = this.rounds.at(-2);
    const cut = last && before && last.readings.length < before.readings.length;
    return cut ? this.rounds.slice(0, -1) : [...this.rounds];
  }
}

/** Runs `nvidia-smi ... -lms <interval>` and reads its lines as they stream. */
export function startNvidiaLoop(
  spawnLoop: SpawnLoop,
  log: Log,
  intervalMs: number,
): TelemetrySession {
  const args = [
    NVIDIA_TELEMETRY_QUERY,
    '--format=csv,noheader,nounits',
    '-lms',
    String(intervalMs),
  ];
  const collector = new RoundCollector();
  let stderr = '';
  let skipped = 0;
  const child = spawnLoop('nvidia-smi', args);
  let stopping = false;
  const exited = waitForExit(child).then((how) => {
    if (!stopping) log.debug(`nvidia-smi sampling ended early (${how}): ${stderr || 'no message'}`);
    return how;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = lastLines(stderr + chunk.toString('utf8'));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const sample = parseNvidiaSmiTelemetryLine(line);
    if (sample) collector.add(sample);
    else if (line.trim() !== '') skipped += 1;
  });
  log.debug(`Sampling telemetry: nvidia-smi ${args.join(' ')}`);
  return {
    async stop(): Promise<TelemetrySummary> {
      stopping = true;
      await terminate(child, exited);
      if (skipped > 0) log.debug(`Skipped ${skipped} nvidia-smi lines that were not samples`);
      return summarizeTelemetry(collector.complete(), intervalMs, 'nvidia-smi');
    },
  };
}

/** Resolves with how the process ended, once its output streams are closed. */
function waitForExit(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve) => {
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code, signal) => resolve(signal ? `signal ${signal}` : `exit ${code}`));
  });
}

async function terminate(
  child: ChildProcessWithoutNullStreams,
  exited: Promise<string>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), EXIT_GRACE_MS);
  });
  if ((await Promise.race([exited, grace])) === 'late') child.kill('SIGKILL');
  clearTimeout(timer);
  await exited;
}

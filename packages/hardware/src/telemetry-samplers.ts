import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolMissingError, describeError } from '@envoy/core';
import type { Log, ToolRunner } from '@envoy/core';
import { amdSmiGpuList, field } from './amd.js';
import type { DeviceReading } from './telemetry-summary.js';
import type { Sampler } from './telemetry-poll.js';
import { dig, isRecord, parseToolJson, readMeasurement, readNumber, readText } from './values.js';
import { XRT_TOOLS } from './xilinx.js';

const SAMPLE_TIMEOUT_MS = 10_000;

/** Reads `amd-smi metric --usage --power --mem-usage --json`. */
export function parseAmdSmiMetricJson(text: string): DeviceReading[] {
  const command = 'amd-smi metric --json';
  return amdSmiGpuList(parseToolJson(text, command), command).map((gpu, index) => {
    const power = dig(gpu, 'power');
    const watts = ['socket_power', 'current_socket_power', 'average_socket_power']
      .map((key) => readMeasurement(dig(power, key)))
      .find((value) => value !== undefined);
    return reading(String(readNumber(dig(gpu, 'gpu')) ?? index), {
      utilizationPercent: readMeasurement(dig(gpu, 'usage', 'gfx_activity')),
      memoryUsedMiB: readMeasurement(dig(gpu, 'mem_usage', 'used_vram')),
      powerW: watts,
    });
  });
}

/** Reads `rocm-smi --showuse --showpower --showmeminfo vram --json`. */
export function parseRocmSmiMetricJson(text: string): DeviceReading[] {
  const document = parseToolJson(text, 'rocm-smi --json');
  if (!isRecord(document)) throw new Error('rocm-smi --json printed no object');
  return Object.entries(document)
    .filter(([card]) => /^card\d+$/.test(card))
    .map(([card, values]) => {
      const record = isRecord(values) ? values : {};
      // "Average Graphics Package Power (W)", or "Current Socket ..." on MI300.
      const powerKey = Object.keys(record).find((key) => /package power \(w\)$/i.test(key));
      const bytes = readNumber(field(record, 'vram total used memory (b)'));
      return reading(card, {
        utilizationPercent: readNumber(field(record, 'gpu use (%)')),
        memoryUsedMiB: bytes === undefined ? undefined : bytes / 1024 / 1024,
        powerW: powerKey === undefined ? undefined : readNumber(record[powerKey]),
      });
    });
}

/** Reads the `electrical` report of `xrt-smi examine --format JSON`: board power only. */
export function parseXrtElectricalJson(text: string): DeviceReading[] {
  const devices = dig(parseToolJson(text, 'xrt-smi examine -r electrical'), 'devices');
  if (!Array.isArray(devices)) throw new Error('xrt-smi examine printed no "devices" list');
  return devices.map((device: unknown, index) =>
    reading(readText(dig(device, 'device_id')) ?? String(index), {
      powerW: readNumber(dig(device, 'electrical', 'power_consumption_watts')),
    }),
  );
}

function reading(device: string, values: Omit<DeviceReading, 'device'>): DeviceReading {
  const result: DeviceReading = { device };
  for (const [key, value] of Object.entries(values) as [keyof typeof values, number][]) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** A tool that gives one round of readings; it throws ToolMissingError when not installed. */
interface SampleTool {
  tool: string;
  read(): Promise<DeviceReading[]>;
}

/** Polls the first installed tool of a list; one failure of it is logged, not every one. */
function chainSampler(log: Log, candidates: SampleTool[], close?: () => Promise<void>): Sampler {
  const remaining = [...candidates];
  let failures = 0;
  return {
    async sample() {
      const current = remaining[0];
      if (!current) return undefined;
      try {
        return await current.read();
      } catch (error) {
        if (error instanceof ToolMissingError) remaining.shift();
        else if (failures++ === 0)
          log.debug(`${current.tool} sampling failed: ${describeError(error)}`);
        return undefined;
      }
    },
    source: () => remaining[0]?.tool,
    usable: () => remaining.length > 0,
    close,
  };
}

/** AMD GPUs: amd-smi, else rocm-smi. */
export function amdSampler(tools: ToolRunner, log: Log): Sampler {
  const run = async (tool: string, args: string[]): Promise<string> =>
    (await tools.run(tool, args, { timeoutMs: SAMPLE_TIMEOUT_MS })).stdout;
  const amdSmiArgs = ['metric', '--usage', '--power', '--mem-usage', '--json'];
  const rocmSmiArgs = ['--showuse', '--showpower', '--showmeminfo', 'vram', '--json'];
  return chainSampler(log, [
    { tool: 'amd-smi', read: async () => parseAmdSmiMetricJson(await run('amd-smi', amdSmiArgs)) },
    {
      tool: 'rocm-smi',
      read: async () => parseRocmSmiMetricJson(await run('rocm-smi', rocmSmiArgs)),
    },
  ]);
}

/** AMD/Xilinx cards at the given PCIe addresses: board power from XRT's electrical report. */
export function xrtSampler(tools: ToolRunner, log: Log, addresses: string[]): Sampler {
  let folder: Promise<string> | undefined;
  let count = 0;
  const readCard = async (tool: string, address: string): Promise<DeviceReading[]> => {
    folder ??= mkdtemp(join(tmpdir(), 'envoy-xrt-telemetry-'));
    const path = join(await folder, `electrical-${(count += 1)}.json`);
    const args = ['examine', '--device', address, '--report', 'electrical'];
    await tools.run(tool, [...args, '--format', 'JSON', '--output', path], {
      timeoutMs: SAMPLE_TIMEOUT_MS,
    });
    const text = await readFile(path, 'utf8');
    await rm(path, { force: true });
    return parseXrtElectricalJson(text);
  };
  const candidates = XRT_TOOLS.map((tool) => ({
    tool,
    read: async () => (await Promise.all(addresses.map((at) => readCard(tool, at)))).flat(),
  }));
  return chainSampler(log, candidates, async () => {
    if (folder) await rm(await folder, { recursive: true, force: true });
  });
}

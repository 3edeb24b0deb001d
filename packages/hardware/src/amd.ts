import type { AcceleratorInfo, Log, ToolRunner } from '@envoy/core';
import { parseProbe, runProbe } from './run-probe.js';
import { dig, isRecord, parseToolJson, readMemoryMiB, readNumber, readText } from './values.js';

export const ROCM_SMI_PRODUCT_ARGS = [
  '--showproductname',
  '--showmeminfo',
  'vram',
  '--showdriverversion',
  '--json',
];

/** The GPU list of amd-smi's JSON: a bare list before ROCm 6.4, `{ "gpu_data": [...] }` after. */
export function amdSmiGpuList(document: unknown, command: string): unknown[] {
  const list = Array.isArray(document) ? document : dig(document, 'gpu_data');
  if (!Array.isArray(list)) throw new Error(`${command} printed neither a list nor "gpu_data"`);
  return list;
}

/** Reads `amd-smi static --json`. */
export function parseAmdSmiStaticJson(text: string): AcceleratorInfo[] {
  const command = 'amd-smi static --json';
  return amdSmiGpuList(parseToolJson(text, command), command).map((gpu, index): AcceleratorInfo => {
    const model =
      readText(dig(gpu, 'asic', 'market_name')) ?? readText(dig(gpu, 'board', 'product_name'));
    if (model === undefined) throw new Error(`${command}: GPU ${index} has no asic.market_name`);
    return {
      kind: 'amd-gpu',
      vendor: 'AMD',
      model,
      memoryMiB: readMemoryMiB(dig(gpu, 'vram', 'size')),
      driverVersion: readText(dig(gpu, 'driver', 'version')),
      firmwareVersion: readText(dig(gpu, 'vbios', 'version')),
      id: readText(dig(gpu, 'bus', 'bdf')),
    };
  });
}

/**
 * Reads `rocm-smi --showproductname --showmeminfo vram --showdriverversion --json`: one object
 * per `cardN` and a `system` object with the driver. Key spelling changed between ROCm releases
 * ("Card series", "Card Series"), so keys are matched without regard to case.
 */
export function parseRocmSmiJson(text: string): AcceleratorInfo[] {
  const document = parseToolJson(text, 'rocm-smi --json');
  if (!isRecord(document)) throw new Error('rocm-smi --json printed no object');
  const driverVersion = readText(field(document['system'], 'driver version'));
  return Object.entries(document)
    .filter(([card]) => /^card\d+$/.test(card))
    .map(([card, values]): AcceleratorInfo => {
      const model = readText(field(values, 'card series')) ?? readText(field(values, 'card model'));
      if (model === undefined) throw new Error(`rocm-smi --json: ${card} has no "Card Series"`);
      const bytes = readNumber(field(values, 'vram total memory (b)'));
      return {
        kind: 'amd-gpu',
        vendor: 'AMD',
        model,
        memoryMiB: bytes === undefined ? undefined : Math.round(bytes / 1024 / 1024),
        driverVersion,
        id: card,
      };
    });
}

/** A value of an object by a case-insensitive key. */
export function field(values: unknown, name: string): unknown {
  if (!isRecord(values)) return undefined;
  const key = Object.keys(values).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : values[key];
}

/** AMD GPUs by amd-smi, falling back to rocm-smi on older ROCm installs. */
export async function probeAmd(tools: ToolRunner, log: Log): Promise<AcceleratorInfo[]> {
  const amdSmi = await runProbe(tools, log, 'amd-smi', ['static', '--json']);
  if (amdSmi.stdout !== undefined) {
    return parseProbe(log, 'amd-smi static --json', amdSmi.stdout, parseAmdSmiStaticJson);
  }
  const rocmSmi = await runProbe(tools, log, 'rocm-smi', ROCM_SMI_PRODUCT_ARGS);
  return parseProbe(log, 'rocm-smi --json', rocmSmi.stdout, parseRocmSmiJson);
}

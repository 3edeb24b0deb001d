import { XMLParser } from 'fast-xml-parser';
import type { AcceleratorInfo, Log, ToolRunner } from '@envoy/core';
import { parseProbe, runProbe } from './run-probe.js';
import { dig, isRecord, readNumber, readText } from './values.js';

export const NVIDIA_QUERY_FIELDS = [
  'name',
  'memory.total',
  'driver_version',
  'vbios_version',
  'pci.bus_id',
  'uuid',
] as const;

export const NVIDIA_QUERY_ARGS = [
  `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
  '--format=csv,noheader,nounits',
];

/**
 * Reads `nvidia-smi --query-gpu=name,memory.total,driver_version,vbios_version,pci.bus_id,uuid
 * --format=csv,noheader,nounits`: one GPU a line, fields separated by ", ".
 */
export function parseNvidiaSmiCsv(text: string): AcceleratorInfo[] {
  const gpus: AcceleratorInfo[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.split(/\s*,\s+/).map((field) => field.trim());
    if (fields.length !== NVIDIA_QUERY_FIELDS.length) {
      throw new Error(
        `nvidia-smi line ${index + 1} has ${fields.length} fields, expected ` +
          `${NVIDIA_QUERY_FIELDS.length}: "${line.trim()}"`,
      );
    }
    const [name, memory, driver, vbios, busId, uuid] = fields;
    gpus.push(
      nvidiaGpu({ name, memory: readNumber(memory), driver, vbios, id: readText(uuid) ?? busId }),
    );
  });
  return gpus;
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name, path) => path === 'nvidia_smi_log.gpu',
});

/** Reads `nvidia-smi -q -x`, the XML report (used when the CSV query fails). */
export function parseNvidiaSmiXml(text: string): AcceleratorInfo[] {
  const log = dig(xmlParser.parse(text), 'nvidia_smi_log');
  if (!isRecord(log)) throw new Error('nvidia-smi -q -x printed no <nvidia_smi_log> element');
  const gpus = Array.isArray(log['gpu']) ? log['gpu'] : [];
  return gpus.map((gpu: unknown) =>
    nvidiaGpu({
      name: readText(dig(gpu, 'product_name')),
      memory: readNumber(dig(gpu, 'fb_memory_usage', 'total')),
      driver: readText(log['driver_version']),
      vbios: readText(dig(gpu, 'vbios_version')),
      id: readText(dig(gpu, 'uuid')) ?? readText(dig(gpu, 'pci', 'pci_bus_id')),
    }),
  );
}

interface NvidiaFields {
  name: string | undefined;
  memory: number | undefined;
  driver: string | undefined;
  vbios: string | undefined;
  id: string | undefined;
}

function nvidiaGpu(fields: NvidiaFields): AcceleratorInfo {
  const model = readText(fields.name);
  if (model === undefined) throw new Error('nvidia-smi reported a GPU without a name');
  return {
    kind: 'nvidia-gpu',
    vendor: 'NVIDIA',
    model,
    memoryMiB: fields.memory,
    driverVersion: readText(fields.driver),
    firmwareVersion: readText(fields.vbios),
    id: readText(fields.id),
  };
}

/** NVIDIA GPUs by the CSV query, falling back to the XML report; none when nvidia-smi fails. */
export async function probeNvidia(tools: ToolRunner, log: Log): Promise<AcceleratorInfo[]> {
  const csv = await runProbe(tools, log, 'nvidia-smi', NVIDIA_QUERY_ARGS);
  if (csv.stdout !== undefined) {
    return parseProbe(log, 'nvidia-smi --query-gpu', csv.stdout, parseNvidiaSmiCsv);
  }
  if (csv.missing) return [];
  // Drivers that do not know one of the query fields still print the XML report.
  const xml = await runProbe(tools, log, 'nvidia-smi', ['-q', '-x']);
  return parseProbe(log, 'nvidia-smi -q -x', xml.stdout, parseNvidiaSmiXml);
}

import { arch, cpus } from 'node:os';
import type { CpuInfo, Log, ToolRunner } from '@envoy/core';
import { parseProbe, runProbe } from './run-probe.js';
import { isRecord, parseToolJson, readNumber, readText } from './values.js';

/** Node's names for architectures, in the spelling `uname -m` and lscpu use. */
const UNAME_ARCHITECTURE: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  ia32: 'i686',
  ppc64: 'ppc64le',
};

/**
 * Reads `lscpu -J`: the flat list of util-linux up to 2.38 and the nested `children` tree of
 * later releases. `cores` counts physical cores (cores per socket or cluster times sockets or
 * clusters); `threadsPerCore` and `sockets` are left out when lscpu does not know them.
 */
export function parseLscpuJson(text: string): CpuInfo {
  const fields = flattenLscpu(parseToolJson(text, 'lscpu -J'));
  const architecture = fields.get('architecture');
  const logical = readNumber(fields.get('cpu(s)'));
  if (architecture === undefined || logical === undefined) {
    throw new Error('lscpu -J printed no "Architecture:" or "CPU(s):" field');
  }
  const threadsPerCore = readNumber(fields.get('thread(s) per core'));
  const sockets = readNumber(fields.get('socket(s)'));
  const perGroup = readNumber(
    fields.get('core(s) per socket') ?? fields.get('core(s) per cluster'),
  );
  const groups = sockets ?? readNumber(fields.get('cluster(s)'));
  const cores =
    perGroup !== undefined && groups !== undefined
      ? perGroup * groups
      : Math.round(logical / (threadsPerCore ?? 1));
  const model = fields.get('model name') ?? fields.get('vendor id') ?? 'unknown';
  return { model, architecture, cores, threadsPerCore, sockets };
}

function flattenLscpu(document: unknown): Map<string, string> {
  const entries = isRecord(document) ? document['lscpu'] : undefined;
  if (!Array.isArray(entries)) throw new Error('lscpu -J printed no "lscpu" list');
  const fields = new Map<string, string>();
  const visit = (list: unknown[]): void => {
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const name = String(entry['field'] ?? '')
        .replace(/:$/, '')
        .trim()
        .toLowerCase();
      const value = readText(entry['data']);
      if (value !== undefined && !fields.has(name)) fields.set(name, value);
      if (Array.isArray(entry['children'])) visit(entry['children']);
    }
  };
  visit(entries);
  return fields;
}

/** What Node knows without lscpu: the model and the count of logical CPUs. */
export function cpuFromNode(): CpuInfo {
  const list = cpus();
  const model = list[0]?.model.trim() || 'unknown';
  return { model, architecture: UNAME_ARCHITECTURE[arch()] ?? arch(), cores: list.length };
}

export async function probeCpu(tools: ToolRunner, log: Log): Promise<CpuInfo> {
  const { stdout } = await runProbe(tools, log, 'lscpu', ['-J']);
  const [cpu] = parseProbe(log, 'lscpu -J', stdout, (output) => [parseLscpuJson(output)]);
  if (cpu) return cpu;
  log.debug('Reading the CPU from Node instead of lscpu');
  return cpuFromNode();
}

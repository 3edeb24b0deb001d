import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcceleratorInfo, Log, ToolRunner } from '@envoy/core';
import { parseProbe, runProbe } from './run-probe.js';
import { dig, isRecord, parseToolJson, readNumber, readText } from './values.js';

/** XRT's tool: `xrt-smi` since XRT 2.17, `xbutil` before. */
export const XRT_TOOLS = ['xrt-smi', 'xbutil'] as const;

/** One card as an `examine` JSON report describes it; device reports fill in more. */
export interface XrtDevice {
  bdf: string;
  /** The platform (shell) name, such as xilinx_u250_gen3x16_xdma_shell_4_1. */
  shell?: string;
  fpgaName?: string;
  memoryMiB?: number;
  firmwareVersion?: string;
  /** UUID of the loaded xclbin; absent when no xclbin is loaded. */
  xclbinUuid?: string;
}

export interface XrtExamineReport {
  xrtVersion?: string;
  devices: XrtDevice[];
}

/**
 * Reads an `examine --format JSON` report: the host report (`system.host`, the cards and the
 * XRT version) or a device report (`devices[]` with `platforms` and `dynamic_regions`).
 */
export function parseXrtExamineJson(text: string): XrtExamineReport {
  const document = parseToolJson(text, 'xrt-smi examine');
  const host = dig(document, 'system', 'host');
  if (isRecord(host)) {
    const list = Array.isArray(host['devices']) ? host['devices'] : [];
    return { xrtVersion: readText(dig(host, 'xrt', 'version')), devices: list.map(hostDevice) };
  }
  const list = dig(document, 'devices');
  if (!Array.isArray(list))
    throw new Error('xrt-smi examine printed neither "system" nor "devices"');
  return { devices: list.map(reportDevice) };
}

function hostDevice(entry: unknown): XrtDevice {
  const bdf = readText(dig(entry, 'bdf'));
  if (bdf === undefined) throw new Error('xrt-smi examine lists a device without a "bdf"');
  return {
    bdf,
    shell: readText(dig(entry, 'vbnv')),
    firmwareVersion: readText(dig(entry, 'firmware_version')),
  };
}

function reportDevice(entry: unknown): XrtDevice {
  const bdf = readText(dig(entry, 'device_id'));
  if (bdf === undefined) throw new Error('xrt-smi examine reports a device without "device_id"');
  const platforms = dig(entry, 'platforms');
  const platform: unknown = Array.isArray(platforms) ? platforms[0] : undefined;
  const regions = dig(entry, 'dynamic_regions');
  const region: unknown = Array.isArray(regions) ? regions[0] : undefined;
  const bytes = readNumber(dig(platform, 'off_chip_board_info', 'ddr_size_bytes'));
  return {
    bdf,
    shell: readText(dig(platform, 'static_region', 'vbnv')),
    fpgaName: readText(dig(platform, 'static_region', 'fpga_name')),
    memoryMiB: bytes ? Math.round(bytes / 1024 / 1024) : undefined,
    firmwareVersion: readText(dig(platform, 'controller', 'satellite_controller', 'version')),
    xclbinUuid: readText(dig(region, 'xclbin_uuid'))?.toLowerCase(),
  };
}

/** Joins the host report with the device reports into one accelerator per card. */
export function xrtAccelerators(host: XrtExamineReport, details: XrtDevice[]): AcceleratorInfo[] {
  return host.devices.map((card) => {
    const detail = details.find((candidate) => candidate.bdf === card.bdf);
    const shell = detail?.shell ?? card.shell;
    return {
      kind: 'fpga',
      vendor: 'AMD Xilinx',
      model: cardModel(shell) ?? detail?.fpgaName ?? 'unknown Xilinx card',
      memoryMiB: detail?.memoryMiB,
      driverVersion: host.xrtVersion,
      firmwareVersion: detail?.firmwareVersion ?? card.firmwareVersion,
      platform: shell,
      bitstream: detail?.xclbinUuid,
      id: card.bdf,
    };
  });
}

/** "xilinx_u250_gen3x16_xdma_shell_4_1" names an Alveo U250. */
function cardModel(shell: string | undefined): string | undefined {
  const card = shell === undefined ? undefined : /^xilinx_([a-z]+\d+[a-z]*)_/i.exec(shell)?.[1];
  if (card === undefined) return undefined;
  return /^[uv]\d/i.test(card) ? `Alveo ${card.toUpperCase()}` : card.toUpperCase();
}

/** AMD/Xilinx FPGA cards by XRT's examine reports, with the loaded xclbin of each. */
export async function probeXilinx(tools: ToolRunner, log: Log): Promise<AcceleratorInfo[]> {
  const folder = await mkdtemp(join(tmpdir(), 'envoy-xrt-'));
  try {
    for (const tool of XRT_TOOLS) {
      const examine = (name: string, args: string[]): Promise<ExamineResult> =>
        examineToFile(tools, log, tool, join(folder, name), args);
      const host = await examine('host.json', []);
      if (host.missing) continue;
      const [report] = parseProbe(log, `${tool} examine`, host.text, (text) => [
        parseXrtExamineJson(text),
      ]);
      if (report === undefined) return [];
      const details: XrtDevice[] = [];
      for (const [index, card] of report.devices.entries()) {
        const args = ['--device', card.bdf, '--report', 'platform', 'dynamic-regions'];
        const device = await examine(`device-${index}.json`, args);
        const label = `${tool} examine --device ${card.bdf}`;
        details.push(...parseProbe(log, label, device.text, (t) => parseXrtExamineJson(t).devices));
      }
      return xrtAccelerators(report, details);
    }
    return [];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

interface ExamineResult {
  text?: string;
  missing: boolean;
}

/** Runs `examine` with JSON written to `path` (XRT writes JSON reports only to a file). */
async function examineToFile(
  tools: ToolRunner,
  log: Log,
  tool: string,
  path: string,
  args: string[],
): Promise<ExamineResult> {
  const run = await runProbe(tools, log, tool, [
    'examine',
    ...args,
    '--format',
    'JSON',
    '--output',
    path,
  ]);
  if (run.stdout === undefined) return { missing: run.missing };
  try {
    return { text: await readFile(path, 'utf8'), missing: false };
  } catch (error) {
    log.debug(`${tool} examine wrote no report to ${path}: ${(error as Error).message}`);
    return { missing: false };
  }
}

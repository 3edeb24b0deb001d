import type { AcceleratorInfo, Log, ToolRunner } from '@envoy/core';
import { parseProbe, runProbe } from './run-probe.js';

/** One board section of `aocl diagnose`, between "Device Name:" and the next rule. */
interface BoardSection {
  device: string;
  lines: string[];
}

/**
 * Reads the text of `aocl diagnose`. Each "Device Name:" section names the board support
 * package (BSP), its vendor and a table of physical devices; only devices whose status is
 * "Passed" count. The SDK version comes from the non-emulation OpenCL platform line.
 *
 * TODO: aocl diagnose does not say which aocx is loaded, so `bitstream` stays unset for
 * Intel FPGAs; a BSP-specific query (fpgainfo for OFS boards) would be needed for it.
 */
export function parseAoclDiagnose(text: string): AcceleratorInfo[] {
  const lines = text.split(/\r?\n/);
  const sdkLine = lines.find((line) => /FPGA SDK for OpenCL/.test(line) && !/Emulation/.test(line));
  const sdkVersion = sdkLine ? /Version\s+(\S+)/.exec(sdkLine)?.[1] : undefined;
  return boardSections(lines).flatMap((section) => boardDevices(section, sdkVersion));
}

function boardSections(lines: string[]): BoardSection[] {
  const sections: BoardSection[] = [];
  let current: BoardSection | undefined;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === 'Device Name:') {
      current = { device: nextValue(lines, index) ?? 'unknown', lines: [] };
      sections.push(current);
    } else if (/^-{10,}$/.test(line.trim())) {
      current = undefined;
    } else {
      current?.lines.push(line);
    }
  }
  return sections;
}

function boardDevices(section: BoardSection, sdkVersion: string | undefined): AcceleratorInfo[] {
  const { lines } = section;
  const bspAt = lines.findIndex((line) => /^(BSP|ASP) Install Location:|^Package Pat/.test(line));
  const bsp = bspAt === -1 ? undefined : nextValue(lines, bspAt);
  const vendor = lines.map((line) => /^Vendor:\s*(.+)$/.exec(line.trim())?.[1]).find(Boolean);
  const tableAt = lines.findIndex((line) => /^Phys(ical)? Dev Name/.test(line.trim()));
  if (tableAt === -1) return [];
  const devices: AcceleratorInfo[] = [];
  for (const row of tableRows(lines.slice(tableAt + 1))) {
    const [first, ...rest] = row;
    // Older BSPs glue the name to the status ("aclbitt_s10_pcie0Passed").
    const cells = /^(\S+?)\s*(Passed|Failed|Uninitialized)\s+(.*)$/.exec(first ?? '');
    if (!cells || cells[2] !== 'Passed') continue;
    const name = cells[1]!;
    const information = cells[3]!;
    const bus = rest.map(pcieAddress).find(Boolean);
    devices.push({
      kind: 'fpga',
      vendor: vendor ?? 'Intel',
      model: information.replace(/\s*\([^)]*\)\s*$/, '').trim() || name,
      driverVersion: sdkVersion,
      platform: bsp?.split('/').filter(Boolean).slice(-2).join('/'),
      id: `${section.device}/${bus ?? name}`,
    });
  }
  return devices;
}

/** Table rows: a line that starts in column one, with its indented continuation lines. */
function tableRows(lines: string[]): string[][] {
  const rows: string[][] = [];
  for (const line of lines) {
    if (line.trim() === '' || /DIAGNOSTIC_(PASSED|FAILED)/.test(line)) continue;
    if (/^\s/.test(line) && rows.length > 0) rows.at(-1)!.push(line.trim());
    else rows.push([line.trim()]);
  }
  return rows;
}

function pcieAddress(line: string): string | undefined {
  return /(?:PCIe|bus:slot\.func =)\s+([0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]+)/i.exec(line)?.[1];
}

function nextValue(lines: string[], index: number): string | undefined {
  return lines
    .slice(index + 1)
    .find((line) => line.trim() !== '')
    ?.trim();
}

/** Intel FPGA boards by the OpenCL/oneAPI SDK's `aocl diagnose`. */
export async function probeIntelFpga(tools: ToolRunner, log: Log): Promise<AcceleratorInfo[]> {
  const { stdout } = await runProbe(tools, log, 'aocl', ['diagnose']);
  return parseProbe(log, 'aocl diagnose', stdout, parseAoclDiagnose);
}

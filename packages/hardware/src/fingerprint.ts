import { createHash } from 'node:crypto';
import { platform, release, totalmem } from 'node:os';
import { UserError } from '@envoy/core';
import type {
  AcceleratorInfo,
  HardwareFingerprint,
  HardwareKind,
  Log,
  ToolRunner,
} from '@envoy/core';
import { probeAmd } from './amd.js';
import { probeCpu } from './cpu.js';
import { probeIntelFpga } from './intel-fpga.js';
import { probeNvidia } from './nvidia.js';
import { probeXilinx } from './xilinx.js';

export interface ProbeOptions {
  /** Defaults to Node's `os.platform()` and `os.release()`. */
  os?: { platform: string; release: string };
  /** Host memory; defaults to Node's `os.totalmem()`. */
  memoryMiB?: number;
}

/**
 * Describes the machine: its CPU (lscpu, else Node), and every accelerator a vendor tool
 * reports, in the order NVIDIA, AMD, AMD/Xilinx FPGA, Intel FPGA. The fingerprint's kind is
 * the kind of the first accelerator found, else 'cpu'. A tool that is missing or fails means
 * that vendor's hardware is absent; probing never throws for it.
 */
export async function probeHardware(
  tools: ToolRunner,
  log: Log,
  options: ProbeOptions = {},
): Promise<HardwareFingerprint> {
  const [cpu, ...found] = await Promise.all([
    probeCpu(tools, log),
    probeNvidia(tools, log),
    probeAmd(tools, log),
    probeXilinx(tools, log),
    probeIntelFpga(tools, log),
  ]);
  const accelerators = found.flat();
  const parts: Omit<HardwareFingerprint, 'class'> = {
    kind: accelerators[0]?.kind ?? 'cpu',
    os: options.os ?? { platform: platform(), release: release() },
    cpu,
    memoryMiB: options.memoryMiB ?? Math.round(totalmem() / 1024 / 1024),
    accelerators,
  };
  const fingerprint = { class: fingerprintClass(parts), ...parts };
  log.info(`Hardware class ${fingerprint.class}: ${describeHardware(fingerprint)}`);
  return fingerprint;
}

/**
 * A short, stable name for hardware that performs alike: the kind, then 12 hex digits of a
 * SHA-256 over the CPU (model, architecture, cores, threads, sockets), the OS platform, host
 * memory in whole GiB, and each accelerator's kind, vendor, model, memory, driver, firmware,
 * platform and bitstream. Identities (serials, UUIDs, bus ids), the kernel release and the
 * order the tools list cards in do not change it.
 */
export function fingerprintClass(parts: Omit<HardwareFingerprint, 'class'>): string {
  const { cpu } = parts;
  const material = {
    kind: parts.kind,
    platform: parts.os.platform,
    cpu: [cpu.model, cpu.architecture, cpu.cores, cpu.threadsPerCore ?? null, cpu.sockets ?? null],
    memoryGiB: Math.round(parts.memoryMiB / 1024),
    accelerators: parts.accelerators.map(acceleratorClassPart).sort(),
  };
  const digest = createHash('sha256').update(JSON.stringify(material)).digest('hex');
  return `${parts.kind}-${digest.slice(0, 12)}`;
}

function acceleratorClassPart(accelerator: AcceleratorInfo): string {
  const { kind, vendor, model, memoryMiB, driverVersion, firmwareVersion } = accelerator;
  const { platform: shell, bitstream } = accelerator;
  const values = [kind, vendor, model, memoryMiB, driverVersion, firmwareVersion, shell, bitstream];
  return JSON.stringify(values.map((value) => value ?? null));
}

/**
 * Fails when a hardware target needs an accelerator of `kind` and the machine has none:
 * a benchmark that silently fell back to the CPU would record the wrong numbers.
 */
export function requireAccelerator(
  fingerprint: HardwareFingerprint,
  kind: HardwareKind,
  target: string,
): void {
  if (kind === 'cpu') return;
  if (fingerprint.accelerators.some((accelerator) => accelerator.kind === kind)) return;
  throw new UserError(
    `Hardware target "${target}" needs an accelerator of kind ${kind}, but this runner has none ` +
      `(found: ${describeHardware(fingerprint)}). Check the target's runs-on labels and that ` +
      `the vendor tool (${VENDOR_TOOLS[kind]}) works on the runner.`,
  );
}

const VENDOR_TOOLS: Record<Exclude<HardwareKind, 'cpu'>, string> = {
  'nvidia-gpu': 'nvidia-smi',
  'amd-gpu': 'amd-smi or rocm-smi',
  fpga: 'xrt-smi, xbutil or aocl',
};

/** "2 × NVIDIA H100 80GB HBM3 (driver 550.54.15); CPU Intel(R) Xeon(R) ... (112 cores)". */
export function describeHardware(fingerprint: Omit<HardwareFingerprint, 'class'>): string {
  const counts = new Map<string, number>();
  for (const accelerator of fingerprint.accelerators) {
    const driver = accelerator.driverVersion ? ` (driver ${accelerator.driverVersion})` : '';
    const name = `${accelerator.model}${driver}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const cards = [...counts].map(([name, count]) => (count > 1 ? `${count} × ${name}` : name));
  const { cpu } = fingerprint;
  return [...cards, `CPU ${cpu.model} (${cpu.cores} cores, ${cpu.architecture})`].join('; ');
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import type { AcceleratorInfo, HardwareFingerprint, HardwareKind } from '@envoy/core';
import {
  fingerprintClass,
  parseLscpuJson,
  parseNvidiaSmiCsv,
  parseXrtExamineJson,
  requireAccelerator,
  xrtAccelerators,
} from '../src/index.js';
import { fixture } from './fake-tools.js';

type Parts = Omit<HardwareFingerprint, 'class'>;

const cpu = parseLscpuJson(readFileSync(fixture('lscpu-x86-sapphire-rapids.json'), 'utf8'));
const gpus = parseNvidiaSmiCsv(readFileSync(fixture('nvidia-smi-a100x8.csv'), 'utf8'));

const base: Parts = {
  kind: 'nvidia-gpu',
  os: { platform: 'linux', release: '5.15.0-1063-azure' },
  cpu,
  memoryMiB: 1_031_842,
  accelerators: gpus,
};

function withFirstGpu(change: Partial<AcceleratorInfo>): Parts {
  return { ...base, accelerators: [{ ...gpus[0]!, ...change }, ...gpus.slice(1)] };
}

describe('fingerprintClass', () => {
  it('is the kind and 12 hex digits, the same on every call', () => {
    const first = fingerprintClass(base);

    expect(first).toMatch(/^nvidia-gpu-[0-9a-f]{12}$/);
    expect(fingerprintClass(structuredClone(base))).toBe(first);
  });

  it.each<[string, Parts]>([
    [
      'GPU UUIDs and bus ids',
      { ...base, accelerators: gpus.map((gpu, i) => ({ ...gpu, id: `other-${i}` })) },
    ],
    ['the order cards are listed in', { ...base, accelerators: [...gpus].reverse() }],
    ['the kernel release', { ...base, os: { platform: 'linux', release: '6.8.0-1015-aws' } }],
    ['a few MiB of host memory', { ...base, memoryMiB: 1_031_790 }],
  ])('does not change with %s', (_, parts) => {
    expect(fingerprintClass(parts)).toBe(fingerprintClass(base));
  });

  it.each<[string, Parts]>([
    ['the CPU model', { ...base, cpu: { ...cpu, model: 'Intel(R) Xeon(R) Platinum 8470' } }],
    ['the core count', { ...base, cpu: { ...cpu, cores: 96 } }],
    ['the architecture', { ...base, cpu: { ...cpu, architecture: 'aarch64' } }],
    ['the OS platform', { ...base, os: { platform: 'win32', release: '10.0.22631' } }],
    ['host memory', { ...base, memoryMiB: 515_921 }],
    ['one GPU model', withFirstGpu({ model: 'NVIDIA A100-SXM4-40GB' })],
    ['one GPU memory', withFirstGpu({ memoryMiB: 40960 })],
    ['the driver', withFirstGpu({ driverVersion: '550.54.15' })],
    ['the firmware', withFirstGpu({ firmwareVersion: '92.00.45.00.08' })],
    ['the number of GPUs', { ...base, accelerators: gpus.slice(0, 4) }],
  ])('changes with %s', (_, parts) => {
    expect(fingerprintClass(parts)).not.toBe(fingerprintClass(base));
  });

  it('changes with the FPGA bitstream loaded, not with the card address', () => {
    const read = (name: string) => readFileSync(fixture(name), 'utf8');
    const cards = xrtAccelerators(parseXrtExamineJson(read('xrt-smi-host-u250-u55c.json')), [
      ...parseXrtExamineJson(read('xrt-smi-device-u250-xclbin.json')).devices,
    ]);
    const fpga: Parts = { ...base, kind: 'fpga', accelerators: cards };
    const reloaded = cards.map((card) => ({
      ...card,
      bitstream: 'f00dfeed-0000-4000-8000-000000000000',
    }));
    const moved = cards.map((card) => ({ ...card, id: '0000:af:00.1' }));

    expect(fingerprintClass({ ...fpga, accelerators: reloaded })).not.toBe(fingerprintClass(fpga));
    expect(fingerprintClass({ ...fpga, accelerators: moved })).toBe(fingerprintClass(fpga));
  });
});

describe('requireAccelerator', () => {
  const cpuOnly: HardwareFingerprint = {
    ...base,
    kind: 'cpu',
    accelerators: [],
    class: fingerprintClass({ ...base, kind: 'cpu', accelerators: [] }),
  };
  const nvidia: HardwareFingerprint = { ...base, class: fingerprintClass(base) };

  it.each<[HardwareFingerprint, HardwareKind]>([
    [cpuOnly, 'cpu'],
    [nvidia, 'cpu'],
    [nvidia, 'nvidia-gpu'],
  ])('passes when the machine has what the kind needs (%#)', (fingerprint, kind) => {
    expect(() => requireAccelerator(fingerprint, kind, 'gpu-runner')).not.toThrow();
  });

  it.each<[HardwareFingerprint, HardwareKind, RegExp]>([
    [
      cpuOnly,
      'nvidia-gpu',
      /found: CPU Intel\(R\) Xeon\(R\) Platinum 8480\+ \(112 cores, x86_64\)/,
    ],
    [nvidia, 'amd-gpu', /found: 8 × NVIDIA A100-SXM4-80GB \(driver 535\.183\.01\)/],
    [nvidia, 'fpga', /xrt-smi, xbutil or aocl/],
  ])('throws a UserError naming the target and the kind (%#)', (fingerprint, kind, detail) => {
    let thrown: unknown;
    try {
      requireAccelerator(fingerprint, kind, 'h100-runner');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as Error).message).toContain(
      `Hardware target "h100-runner" needs an accelerator of kind ${kind}`,
    );
    expect((thrown as Error).message).toMatch(detail);
  });
});

import { cpus } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '@envoy/core';
import { probeHardware } from '../src/index.js';
import { FakeTools, fixture, realCommand } from './fake-tools.js';

const os = { platform: 'linux', release: '6.8.0-1015-aws' };
const CAT = realCommand('cat');

let fake: FakeTools;
let log: MemoryLog;

beforeEach(async () => {
  fake = await FakeTools.create();
  log = new MemoryLog();
});

afterEach(async () => {
  await fake.remove();
});

function probe() {
  return probeHardware(fake.runner(log), log, { os, memoryMiB: 2_063_592 });
}

/** An XRT tool that writes the host or the device report to the --output file. */
function xrtScript(): string {
  return [
    'out=""; device=""',
    'while [ $# -gt 0 ]; do',
    '  case "$1" in',
    '    --output) out="$2"; shift ;;',
    '    --device) device="$2"; shift ;;',
    '  esac',
    '  shift',
    'done',
    'case "$device" in',
    `  "") src='${fixture('xrt-smi-host-u250-u55c.json')}' ;;`,
    `  0000:3b:00.1) src='${fixture('xrt-smi-device-u250-xclbin.json')}' ;;`,
    `  *) src='${fixture('xrt-smi-device-u55c-empty.json')}' ;;`,
    'esac',
    `${CAT} "$src" > "$out"`,
  ].join('\n');
}

describe('probeHardware with fake tools on PATH', () => {
  it('falls back to a cpu fingerprint when no tool at all is installed', async () => {
    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('cpu');
    expect(fingerprint.accelerators).toEqual([]);
    expect(fingerprint.class).toMatch(/^cpu-[0-9a-f]{12}$/);
    expect(fingerprint.cpu.cores).toBe(cpus().length);
    expect(fingerprint.os).toEqual(os);
    expect(fingerprint.memoryMiB).toBe(2_063_592);
    expect(log.lines).toContain('debug: nvidia-smi is not installed; counted as absent');
    expect(log.lines).toContain('debug: Reading the CPU from Node instead of lscpu');
  });

  it('finds one H100 and the CPU from lscpu', async () => {
    await fake.printing('lscpu', 'lscpu-x86-sapphire-rapids.json');
    await fake.printing('nvidia-smi', 'nvidia-smi-h100x1.csv');

    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('nvidia-gpu');
    expect(fingerprint.class).toMatch(/^nvidia-gpu-[0-9a-f]{12}$/);
    expect(fingerprint.cpu).toMatchObject({ model: 'Intel(R) Xeon(R) Platinum 8480+', cores: 112 });
    expect(fingerprint.accelerators).toEqual([
      expect.objectContaining({ model: 'NVIDIA H100 80GB HBM3', driverVersion: '550.54.15' }),
    ]);
    expect(log.lines.find((line) => line.startsWith('info: Hardware class'))).toContain(
      'NVIDIA H100 80GB HBM3 (driver 550.54.15)',
    );
  });

  it('passes nvidia-smi the exact query arguments', async () => {
    await fake.script(
      'nvidia-smi',
      [
        'if [ "$*" = "--query-gpu=name,memory.total,driver_version,vbios_version,pci.bus_id,uuid ' +
          '--format=csv,noheader,nounits" ]; then',
        `  exec ${CAT} '${fixture('nvidia-smi-a100x8.csv')}'`,
        'fi',
        'echo "unexpected arguments: $*" >&2; exit 2',
      ].join('\n'),
    );

    const fingerprint = await probe();

    expect(fingerprint.accelerators).toHaveLength(8);
  });

  it('counts nvidia-smi with no driver as absent, quoting its message at debug level', async () => {
    const message =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. " +
      'Make sure that the latest NVIDIA driver is installed and running.';
    await fake.script('nvidia-smi', `echo "${message}" >&2\nexit 9`);

    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('cpu');
    expect(log.lines).toContain(
      `debug: nvidia-smi exited with 9, counted as absent; it said: ${message}`,
    );
  });

  it('falls back to the XML report when the CSV query is refused', async () => {
    await fake.script(
      'nvidia-smi',
      [
        `if [ "$1" = "-q" ]; then exec ${CAT} '${fixture('nvidia-smi-q-x-h100x2.xml')}'; fi`,
        'echo \'Field "vbios_version" is not a valid field to query.\' >&2; exit 2',
      ].join('\n'),
    );

    const fingerprint = await probe();

    expect(fingerprint.accelerators.map((gpu) => gpu.model)).toEqual([
      'NVIDIA H100 80GB HBM3',
      'NVIDIA H100 80GB HBM3',
    ]);
  });

  it('warns and counts as absent when a tool prints something unreadable', async () => {
    await fake.script('amd-smi', 'echo "Traceback (most recent call last):"');

    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('cpu');
    expect(
      log.lines.some((line) => /^warning: .*amd-smi static --json.*not print JSON/.test(line)),
    ).toBe(true);
  });

  it.each([
    ['amd-smi', 'amd-smi-static-mi300x.json', 'AMD Instinct MI300X', 2],
    ['rocm-smi', 'rocm-smi-mi210x2.json', 'AMD Instinct MI210', 2],
  ])('finds AMD GPUs through %s', async (tool, fixtureName, model, count) => {
    await fake.printing(tool, fixtureName);

    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('amd-gpu');
    expect(fingerprint.accelerators).toHaveLength(count);
    expect(fingerprint.accelerators[0]?.model).toBe(model);
  });

  it.each(['xrt-smi', 'xbutil'])(
    'finds Alveo cards and the loaded xclbin through %s',
    async (tool) => {
      await fake.script(tool, xrtScript());

      const fingerprint = await probe();

      expect(fingerprint.kind).toBe('fpga');
      expect(fingerprint.accelerators.map((card) => [card.model, card.bitstream])).toEqual([
        ['Alveo U250', '8c4d4c9e-2f7a-4b1e-9d35-6a0f3e2b7c18'],
        ['Alveo U55C', undefined],
      ]);
    },
  );

  it('finds an Intel FPGA board through aocl diagnose', async () => {
    await fake.printing('aocl', 'aocl-diagnose-agilex-n6001.txt');

    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('fpga');
    expect(fingerprint.accelerators[0]).toMatchObject({ model: 'Intel OFS Platform' });
  });

  it('takes its kind from the first accelerator: NVIDIA before an FPGA', async () => {
    await fake.printing('aocl', 'aocl-diagnose-stratix10-520n.txt');
    await fake.printing('nvidia-smi', 'nvidia-smi-h100x1.csv');

    const fingerprint = await probe();

    expect(fingerprint.kind).toBe('nvidia-gpu');
    expect(fingerprint.accelerators.map((card) => card.kind)).toEqual(['nvidia-gpu', 'fpga']);
  });
});

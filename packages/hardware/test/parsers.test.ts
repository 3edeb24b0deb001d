import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AcceleratorInfo, CpuInfo } from '@envoy/core';
import {
  parseAmdSmiStaticJson,
  parseAoclDiagnose,
  parseLscpuJson,
  parseNvidiaSmiCsv,
  parseNvidiaSmiXml,
  parseRocmSmiJson,
  parseXrtExamineJson,
  xrtAccelerators,
} from '../src/index.js';
import { readMemoryMiB, readNumber, readText } from '../src/values.js';
import { fixture } from './fake-tools.js';

function read(name: string): string {
  return readFileSync(fixture(name), 'utf8');
}

describe('value readers', () => {
  it.each([
    ['81559', 81559],
    ['  81559 MiB ', 81559],
    ['15,360', 15360],
    ['1,234,567.5', 1234567.5],
    ['70.12 W', 70.12],
    ['87 %', 87],
    [42, 42],
    ['[N/A]', undefined],
    ['N/A', undefined],
    ['[Not Supported]', undefined],
    ['-', undefined],
    ['', undefined],
    ['4.6.21', undefined],
    ['0x1800', undefined],
    ['12,34', undefined],
  ])('readNumber(%j) is %j', (raw, expected) => {
    expect(readNumber(raw)).toBe(expected);
  });

  it.each([
    [' Tesla T4 ', 'Tesla T4'],
    ['[N/A]', undefined],
    ['Unknown Error', undefined],
    [undefined, undefined],
  ])('readText(%j) is %j', (raw, expected) => {
    expect(readText(raw)).toBe(expected);
  });

  it.each([
    [{ value: 196592, unit: 'MB' }, 196592],
    ['65520 MB', 65520],
    ['64 GiB', 65536],
    [{ value: 'N/A', unit: 'MB' }, undefined],
    ['N/A', undefined],
    ['65520', undefined],
  ])('readMemoryMiB(%j) is %j', (raw, expected) => {
    expect(readMemoryMiB(raw)).toBe(expected);
  });
});

describe('parseLscpuJson', () => {
  it.each<[string, CpuInfo]>([
    [
      'lscpu-x86-sapphire-rapids.json',
      {
        model: 'Intel(R) Xeon(R) Platinum 8480+',
        architecture: 'x86_64',
        cores: 112,
        threadsPerCore: 2,
        sockets: 2,
      },
    ],
    [
      'lscpu-aarch64-graviton3.json',
      { model: 'Neoverse-V1', architecture: 'aarch64', cores: 64, threadsPerCore: 1 },
    ],
    [
      'lscpu-x86-flat-epyc.json',
      {
        model: 'AMD EPYC 7763 64-Core Processor',
        architecture: 'x86_64',
        cores: 2,
        threadsPerCore: 2,
        sockets: 1,
      },
    ],
  ])('reads %s', (name, expected) => {
    const cpu = parseLscpuJson(read(name));

    expect(cpu).toEqual(expected);
  });

  it.each([
    ['not JSON', /lscpu -J did not print JSON/],
    ['{"cpus": []}', /no "lscpu" list/],
    ['{"lscpu": [{"field": "Vendor ID:", "data": "ARM"}]}', /no "Architecture:" or "CPU\(s\):"/],
  ])('rejects %j', (text, message) => {
    expect(() => parseLscpuJson(text)).toThrow(message);
  });
});

const h100: AcceleratorInfo = {
  kind: 'nvidia-gpu',
  vendor: 'NVIDIA',
  model: 'NVIDIA H100 80GB HBM3',
  memoryMiB: 81559,
  driverVersion: '550.54.15',
  firmwareVersion: '96.00.99.00.01',
  id: 'GPU-5c2a8f3e-41d7-9b0e-6a3c-2f8e1d4b7a90',
};

describe('parseNvidiaSmiCsv', () => {
  it('reads one H100', () => {
    expect(parseNvidiaSmiCsv(read('nvidia-smi-h100x1.csv'))).toEqual([h100]);
  });

  it('reads eight A100s, each with its own UUID', () => {
    const gpus = parseNvidiaSmiCsv(read('nvidia-smi-a100x8.csv'));

    expect(gpus).toHaveLength(8);
    expect(new Set(gpus.map((gpu) => gpu.model))).toEqual(new Set(['NVIDIA A100-SXM4-80GB']));
    expect(gpus.every((gpu) => gpu.memoryMiB === 81920 && gpu.firmwareVersion)).toBe(true);
    expect(new Set(gpus.map((gpu) => gpu.id)).size).toBe(8);
    expect(gpus[7]!.id).toBe('GPU-71e3a5b8-d294-806b-f5c1-a463d72e095d');
  });

  it('reads padding, CRLF, blank lines, [N/A] and a thousands separator', () => {
    const [t4, l4] = parseNvidiaSmiCsv(read('nvidia-smi-edge.csv'));

    expect(t4).toEqual({
      kind: 'nvidia-gpu',
      vendor: 'NVIDIA',
      model: 'Tesla T4',
      memoryMiB: 15360,
      driverVersion: '470.239.06',
      firmwareVersion: undefined,
      id: 'GPU-9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    });
    expect(l4).toMatchObject({ model: 'NVIDIA L4', memoryMiB: undefined, id: '00000000:00:1F.0' });
  });

  it.each([
    ['NVIDIA H100, 81559', /line 1 has 2 fields, expected 6: "NVIDIA H100, 81559"/],
    ['[N/A], 1, 2, 3, 4, 5', /a GPU without a name/],
  ])('rejects %j', (text, message) => {
    expect(() => parseNvidiaSmiCsv(text)).toThrow(message);
  });
});

describe('parseNvidiaSmiXml', () => {
  it('reads two H100s from the XML report', () => {
    const gpus = parseNvidiaSmiXml(read('nvidia-smi-q-x-h100x2.xml'));

    expect(gpus).toEqual([h100, { ...h100, id: 'GPU-8e31b0c7-2d5f-4a96-b1e8-7c0d9f3a6e24' }]);
  });

  it('reads a single GPU with N/A firmware', () => {
    expect(parseNvidiaSmiXml(read('nvidia-smi-q-x-t4-na.xml'))).toEqual([
      {
        kind: 'nvidia-gpu',
        vendor: 'NVIDIA',
        model: 'Tesla T4',
        memoryMiB: 15360,
        driverVersion: '470.239.06',
        firmwareVersion: undefined,
        id: 'GPU-9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      },
    ]);
  });

  it('agrees with the CSV query on the same GPU', () => {
    const [fromXml] = parseNvidiaSmiXml(read('nvidia-smi-q-x-h100x2.xml'));
    const [fromCsv] = parseNvidiaSmiCsv(read('nvidia-smi-h100x1.csv'));

    expect(fromXml).toEqual(fromCsv);
  });

  it('rejects XML that is not an nvidia-smi log', () => {
    expect(() => parseNvidiaSmiXml('<html><body/></html>')).toThrow(/<nvidia_smi_log>/);
  });
});

describe('AMD parsers', () => {
  const mi300x: AcceleratorInfo = {
    kind: 'amd-gpu',
    vendor: 'AMD',
    model: 'AMD Instinct MI300X',
    memoryMiB: 196592,
    driverVersion: '6.7.0',
    firmwareVersion: '022.040.003.045.000001',
    id: '0000:0c:00.0',
  };

  it.each<[string, (text: string) => AcceleratorInfo[], AcceleratorInfo[]]>([
    [
      'amd-smi-static-mi300x.json',
      parseAmdSmiStaticJson,
      [mi300x, { ...mi300x, id: '0000:22:00.0' }],
    ],
    [
      'amd-smi-static-mi250x-list.json',
      parseAmdSmiStaticJson,
      [
        {
          kind: 'amd-gpu',
          vendor: 'AMD',
          model: 'AMD Instinct MI250X/MI250',
          memoryMiB: 65520,
          driverVersion: '6.3.6',
          firmwareVersion: undefined,
          id: '0000:29:00.0',
        },
      ],
    ],
    [
      'rocm-smi-mi210x2.json',
      parseRocmSmiJson,
      ['card0', 'card1'].map((id) => ({
        kind: 'amd-gpu' as const,
        vendor: 'AMD',
        model: 'AMD Instinct MI210',
        memoryMiB: 65520,
        driverVersion: '6.3.6',
        id,
      })),
    ],
    [
      'rocm-smi-mi100-rocm5.json',
      parseRocmSmiJson,
      [
        {
          kind: 'amd-gpu',
          vendor: 'AMD',
          model: 'Radeon Instinct MI100',
          memoryMiB: 32752,
          driverVersion: '5.18.13',
          id: 'card0',
        },
      ],
    ],
  ])('reads %s', (name, parse, expected) => {
    expect(parse(read(name))).toEqual(expected);
  });

  it.each([
    [parseAmdSmiStaticJson, '{"error": "no GPUs"}', /neither a list nor "gpu_data"/],
    [parseAmdSmiStaticJson, '[{"gpu": 0, "asic": {"market_name": "N/A"}}]', /GPU 0 has no/],
    [parseRocmSmiJson, '{"card0": {"GPU use (%)": "0"}}', /card0 has no "Card Series"/],
    [parseRocmSmiJson, 'WARNING: AMD GPU device(s) is/are in a low-power state', /not print JSON/],
  ])('rejects bad output (%#)', (parse, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});

describe('parseXrtExamineJson', () => {
  const host = () => parseXrtExamineJson(read('xrt-smi-host-u250-u55c.json'));
  const details = () => [
    ...parseXrtExamineJson(read('xrt-smi-device-u250-xclbin.json')).devices,
    ...parseXrtExamineJson(read('xrt-smi-device-u55c-empty.json')).devices,
  ];

  it('reads the host report: XRT version and cards', () => {
    expect(host()).toEqual({
      xrtVersion: '2.16.204',
      devices: [
        {
          bdf: '0000:3b:00.1',
          shell: 'xilinx_u250_gen3x16_xdma_shell_4_1',
          firmwareVersion: '4.6.21',
        },
        {
          bdf: '0000:d8:00.1',
          shell: 'xilinx_u55c_gen3x16_xdma_base_3',
          firmwareVersion: '7.1.22',
        },
      ],
    });
  });

  it.each([
    ['xrt-smi-device-u250-xclbin.json', 65536, '8c4d4c9e-2f7a-4b1e-9d35-6a0f3e2b7c18'],
    ['xrt-smi-device-u55c-empty.json', undefined, undefined],
  ])('reads the device report %s', (name, memoryMiB, xclbinUuid) => {
    const [device] = parseXrtExamineJson(read(name)).devices;

    expect(device?.memoryMiB).toBe(memoryMiB);
    expect(device?.xclbinUuid).toBe(xclbinUuid);
    expect(device?.fpgaName).toMatch(/^xcu/);
  });

  it('joins host and device reports into accelerators with their bitstreams', () => {
    expect(xrtAccelerators(host(), details())).toEqual([
      {
        kind: 'fpga',
        vendor: 'AMD Xilinx',
        model: 'Alveo U250',
        memoryMiB: 65536,
        driverVersion: '2.16.204',
        firmwareVersion: '4.6.21',
        platform: 'xilinx_u250_gen3x16_xdma_shell_4_1',
        bitstream: '8c4d4c9e-2f7a-4b1e-9d35-6a0f3e2b7c18',
        id: '0000:3b:00.1',
      },
      {
        kind: 'fpga',
        vendor: 'AMD Xilinx',
        model: 'Alveo U55C',
        memoryMiB: undefined,
        driverVersion: '2.16.204',
        firmwareVersion: '7.1.22',
        platform: 'xilinx_u55c_gen3x16_xdma_base_3',
        bitstream: undefined,
        id: '0000:d8:00.1',
      },
    ]);
  });

  it('rejects a report of neither kind', () => {
    expect(() => parseXrtExamineJson('{"schema_version": {}}')).toThrow(/neither "system"/);
  });
});

describe('parseAoclDiagnose', () => {
  it.each<[string, AcceleratorInfo[]]>([
    [
      'aocl-diagnose-agilex-n6001.txt',
      [
        {
          kind: 'fpga',
          vendor: 'Intel Corp',
          model: 'Intel OFS Platform',
          driverVersion: '2024.1',
          platform: 'oneapi-asp/n6001',
          id: 'acl0/b1:00.0',
        },
      ],
    ],
    [
      'aocl-diagnose-stratix10-520n.txt',
      [
        {
          kind: 'fpga',
          vendor: 'BittWare ltd',
          model: '520N',
          driverVersion: '20.4',
          platform: 'bittware_pcie/s10',
          id: 'acl0/3b:00.00',
        },
      ],
    ],
  ])('reads %s, keeping only boards that passed', (name, expected) => {
    expect(parseAoclDiagnose(read(name))).toEqual(expected);
  });

  it('finds no board in output without a BSP section', () => {
    expect(parseAoclDiagnose('ICD diagnostics PASSED\n')).toEqual([]);
  });
});

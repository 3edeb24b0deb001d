import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLog, UserError } from '@envoy/core';
import type { AcceleratorInfo, HardwareFingerprint, HardwareKind } from '@envoy/core';
import {
  parseAmdSmiMetricJson,
  parseNvidiaSmiTelemetryLine,
  parseRocmSmiMetricJson,
  parseXrtElectricalJson,
  startTelemetry,
  summarizeTelemetry,
} from '../src/index.js';
import type { DeviceReading, TelemetryRound } from '../src/index.js';
import { FakeTools, fixture, realCommand } from './fake-tools.js';

let fake: FakeTools;
let log: MemoryLog;

beforeEach(async () => {
  fake = await FakeTools.create();
  log = new MemoryLog();
});

afterEach(async () => {
  await fake.remove();
});

function machine(kind: HardwareKind, accelerators: AcceleratorInfo[] = []): HardwareFingerprint {
  const cpu = { model: 'AMD EPYC 9654', architecture: 'x86_64', cores: 96 };
  const os = { platform: 'linux', release: '6.8.0' };
  return { class: `${kind}-000000000000`, kind, os, cpu, memoryMiB: 786_432, accelerators };
}

const h100: AcceleratorInfo = { kind: 'nvidia-gpu', vendor: 'NVIDIA', model: 'NVIDIA H100' };

/** Waits until the fake tool has written at least `count` to its counter file. */
async function waitForCount(path: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const text = await readFile(path, 'utf8').catch(() => '0');
    if (Number(text) >= count) return;
    await sleep(50);
  }
  throw new Error(`the fake tool never reached ${count} rounds`);
}

describe('parseNvidiaSmiTelemetryLine', () => {
  it.each([
    [
      '2024/03/12 10:15:02.113, 0, 87, 25344, 412.61',
      {
        timeMs: Date.UTC(2024, 2, 12, 10, 15, 2, 113),
        reading: { device: '0', utilizationPercent: 87, memoryUsedMiB: 25344, powerW: 412.61 },
      },
    ],
    [
      '2024/03/12 10:15:02.113, 1, 0, 4, [N/A]',
      {
        timeMs: Date.UTC(2024, 2, 12, 10, 15, 2, 113),
        reading: { device: '1', utilizationPercent: 0, memoryUsedMiB: 4 },
      },
    ],
    [
      '2024/03/12 10:15:03, 2, [Not Supported], 1, 30.5',
      {
        timeMs: Date.UTC(2024, 2, 12, 10, 15, 3),
        reading: { device: '2', memoryUsedMiB: 1, powerW: 30.5 },
      },
    ],
  ])('reads %j', (line, expected) => {
    expect(parseNvidiaSmiTelemetryLine(line)).toEqual(expected);
  });

  it.each([
    'timestamp, index, utilization.gpu [%], memory.used [MiB], power.draw [W]',
    'Failed to initialize NVML: Driver/library version mismatch',
    '',
  ])('skips %j', (line) => {
    expect(parseNvidiaSmiTelemetryLine(line)).toBeUndefined();
  });

  it('reads the recorded lines', () => {
    const lines = readFileSync(fixture('nvidia-smi-telemetry.txt'), 'utf8').trim().split('\n');

    expect(lines.map((line) => parseNvidiaSmiTelemetryLine(line)?.reading.powerW)).toEqual([
      412.61,
      undefined,
    ]);
  });
});

describe('polled tool parsers', () => {
  it.each<[string, (text: string) => DeviceReading[], DeviceReading[]]>([
    [
      'amd-smi-metric-mi300x.json',
      parseAmdSmiMetricJson,
      [
        { device: '0', utilizationPercent: 87, memoryUsedMiB: 25344, powerW: 412 },
        { device: '1', utilizationPercent: 0, memoryUsedMiB: 283, powerW: 138 },
      ],
    ],
    [
      'amd-smi-metric-mi250x-list.json',
      parseAmdSmiMetricJson,
      [{ device: '0', utilizationPercent: 54, memoryUsedMiB: 10240, powerW: 301 }],
    ],
    [
      'rocm-smi-metric-mi210x2.json',
      parseRocmSmiMetricJson,
      [
        { device: 'card0', utilizationPercent: 91, memoryUsedMiB: 20480, powerW: 402 },
        { device: 'card1', utilizationPercent: 0, memoryUsedMiB: 10.921875, powerW: 41 },
      ],
    ],
    [
      'xrt-smi-electrical-u250.json',
      parseXrtElectricalJson,
      [{ device: '0000:3b:00.1', powerW: 41.237516 }],
    ],
  ])('reads %s', (name, parse, expected) => {
    expect(parse(readFileSync(fixture(name), 'utf8'))).toEqual(expected);
  });
});

describe('summarizeTelemetry', () => {
  const round = (timeMs: number, ...readings: DeviceReading[]): TelemetryRound => ({
    timeMs,
    readings,
  });

  it('sums devices, integrates power by the trapezoid rule and averages utilisation', () => {
    const rounds = [
      round(
        0,
        { device: '0', powerW: 100, memoryUsedMiB: 1000, utilizationPercent: 20 },
        { device: '1', powerW: 50, memoryUsedMiB: 10 },
      ),
      round(
        500,
        { device: '0', powerW: 300, memoryUsedMiB: 3000, utilizationPercent: 80 },
        { device: '1', powerW: 50, memoryUsedMiB: 10 },
      ),
      round(
        1500,
        { device: '0', powerW: 100, memoryUsedMiB: 2000, utilizationPercent: 50 },
        { device: '1', powerW: 50, memoryUsedMiB: 10 },
      ),
    ];

    expect(summarizeTelemetry(rounds, 150, 'nvidia-smi')).toEqual({
      samples: 3,
      intervalMs: 150,
      peakMemoryMiB: 3010,
      meanPowerW: (150 + 350 + 150) / 3,
      // (150 + 350) / 2 W for 0.5 s, then (350 + 150) / 2 W for 1 s.
      energyJ: 125 + 250,
      meanUtilizationPercent: 50,
      source: 'nvidia-smi',
    });
  });

  it('leaves out what no device reported, and energy with a single power reading', () => {
    const rounds = [
      round(0, { device: '0', utilizationPercent: 10 }),
      round(100, { device: '0', powerW: 7 }),
    ];

    expect(summarizeTelemetry(rounds, 100, 'rocm-smi')).toEqual({
      samples: 2,
      intervalMs: 100,
      meanPowerW: 7,
      meanUtilizationPercent: 10,
      source: 'rocm-smi',
    });
  });

  it('is zero samples for no rounds', () => {
    expect(summarizeTelemetry([], 150, 'amd-smi')).toEqual({ samples: 0, intervalMs: 150 });
  });
});

describe('startTelemetry', () => {
  /** Two GPUs a round, 0.1 s apart on the printed clock: GPU 0 ramps power by 10 W a round. */
  function nvidiaLoopScript(counter: string, marker: string): string {
    return [
      `trap 'echo terminated > "${marker}"; exit 0' TERM`,
      'case "$*" in *"-lms 150"*) ;; *) echo "unexpected arguments: $*" >&2; exit 2 ;; esac',
      'i=0',
      'while :; do',
      '  ms=$((i * 100))',
      '  stamp=$(printf "2024/03/12 10:%02d:%02d.%03d" $((ms / 60000)) $((ms / 1000 % 60)) $((ms % 1000)))',
      '  echo "$stamp, 0, 50, $((1000 + 100 * i)), $((100 + 10 * i)).00"',
      '  echo "$stamp, 1, 30, 500, 50.00"',
      '  i=$((i + 1))',
      `  echo $i > "${counter}"`,
      `  ${realCommand('sleep')} 0.1`,
      'done',
    ].join('\n');
  }

  it('streams nvidia-smi, summarises what it printed and stops it with SIGTERM', async () => {
    const counter = join(fake.folder, 'rounds');
    const marker = join(fake.folder, 'terminated');
    await fake.script('nvidia-smi', nvidiaLoopScript(counter, marker));

    const session = startTelemetry(machine('nvidia-gpu', [h100]), fake.runner(log), log, {
      env: fake.env(),
    });
    await waitForCount(counter, 4);
    const summary = await session.stop();

    const n = summary.samples;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(summary.source).toBe('nvidia-smi');
    expect(summary.intervalMs).toBe(150);
    expect(summary.peakMemoryMiB).toBe(1000 + 100 * (n - 1) + 500);
    expect(summary.meanPowerW).toBeCloseTo(150 + (10 * (n - 1)) / 2, 9);
    // Rounds are 0.1 s apart; the round-to-round mean power is 150 + 10 i - 5.
    expect(summary.energyJ).toBeCloseTo(0.1 * (145 * (n - 1) + (10 * n * (n - 1)) / 2), 9);
    expect(summary.meanUtilizationPercent).toBe(40);
    expect(await readFile(marker, 'utf8')).toBe('terminated\n');
  });

  it('reports zero samples, with nvidia-smi own words at debug level, when it fails at once', async () => {
    await fake.script(
      'nvidia-smi',
      'echo "Failed to initialize NVML: Driver/library version mismatch" >&2\nexit 18',
    );

    const session = startTelemetry(machine('nvidia-gpu', [h100]), fake.runner(log), log, {
      env: fake.env(),
    });
    await sleep(300);
    const summary = await session.stop();

    expect(summary).toEqual({ samples: 0, intervalMs: 150 });
    expect(log.lines).toContain(
      'debug: nvidia-smi sampling ended early (exit 18): Failed to initialize NVML: Driver/library version mismatch',
    );
  });

  it('reports zero samples when nvidia-smi is not installed', async () => {
    const session = startTelemetry(machine('nvidia-gpu', [h100]), fake.runner(log), log, {
      env: fake.env(),
      intervalMs: 100,
    });

    expect(await session.stop()).toEqual({ samples: 0, intervalMs: 100 });
  });

  it.each([
    [
      'amd-smi',
      'amd-smi-metric-mi300x.json',
      { peakMemoryMiB: 25627, meanPowerW: 550, meanUtilizationPercent: 43.5 },
    ],
    [
      'rocm-smi',
      'rocm-smi-metric-mi210x2.json',
      { peakMemoryMiB: 20490.921875, meanPowerW: 443, meanUtilizationPercent: 45.5 },
    ],
  ])('polls %s for AMD GPUs', async (tool, fixtureName, expected) => {
    await fake.printing(tool, fixtureName);
    let clock = 0;
    const now = () => (clock += 100);

    const session = startTelemetry(machine('amd-gpu'), fake.runner(log), log, { now });
    await sleep(700);
    const summary = await session.stop();

    expect(summary.samples).toBeGreaterThanOrEqual(2);
    expect(summary).toMatchObject({ ...expected, source: tool });
    // The fake clock moves 100 ms a reading, twice a round.
    expect(summary.energyJ).toBeCloseTo(expected.meanPowerW * 0.2 * (summary.samples - 1), 9);
  });

  it('polls the electrical report of each Alveo card', async () => {
    const args = join(fake.folder, 'args');
    await fake.script(
      'xrt-smi',
      [
        `echo "$*" > "${args}"`,
        'while [ $# -gt 0 ]; do [ "$1" = --output ] && out="$2"; shift; done',
        `${realCommand('cat')} '${fixture('xrt-smi-electrical-u250.json')}' > "$out"`,
      ].join('\n'),
    );
    const card: AcceleratorInfo = {
      kind: 'fpga',
      vendor: 'AMD Xilinx',
      model: 'Alveo U250',
      id: '0000:3b:00.1',
    };

    const session = startTelemetry(machine('fpga', [card]), fake.runner(log), log);
    await sleep(500);
    const summary = await session.stop();

    expect(summary.samples).toBeGreaterThanOrEqual(1);
    expect(summary).toMatchObject({ meanPowerW: 41.237516, source: 'xrt-smi' });
    expect(await readFile(args, 'utf8')).toMatch(
      /^examine --device 0000:3b:00\.1 --report electrical --format JSON --output \S+electrical-\d+\.json\n$/,
    );
  });

  it.each<[HardwareKind, AcceleratorInfo[]]>([
    ['cpu', []],
    ['fpga', [{ kind: 'fpga', vendor: 'Intel Corp', model: '520N', id: 'acl0/3b:00.00' }]],
  ])('gives zero samples for %s machines without telemetry', async (kind, accelerators) => {
    const session = startTelemetry(machine(kind, accelerators), fake.runner(log), log);

    expect(await session.stop()).toEqual({ samples: 0, intervalMs: 150 });
  });

  it('gives zero samples when no AMD tool is installed', async () => {
    const session = startTelemetry(machine('amd-gpu'), fake.runner(log), log);
    await sleep(50);

    expect(await session.stop()).toEqual({ samples: 0, intervalMs: 150 });
  });

  it.each([50, 99, 201, 150.5])('rejects an interval of %d ms', (intervalMs) => {
    expect(() => startTelemetry(machine('cpu'), fake.runner(log), log, { intervalMs })).toThrow(
      UserError,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { HardwareFingerprint } from '@envoy/core';
import { acceleratorMetrics } from '../src/index.js';
import { CPU_ONLY } from './helpers.js';

const GPU: HardwareFingerprint = {
  ...CPU_ONLY,
  kind: 'nvidia-gpu',
  accelerators: [{ kind: 'nvidia-gpu', vendor: 'NVIDIA', model: 'NVIDIA A10G', memoryMiB: 23028 }],
};

describe('acceleratorMetrics', () => {
  it('reports device memory, power and energy per inference', () => {
    const telemetry = {
      samples: 20,
      intervalMs: 150,
      peakMemoryMiB: 812,
      meanPowerW: 61.5,
      energyJ: 184.5,
    };

    expect(acceleratorMetrics(GPU, telemetry, 3000)).toEqual({
      peak_device_memory_mib: {
        value: 812,
        unit: 'MiB',
        direction: 'smaller-is-better',
        source: 'measured',
      },
      mean_power_w: { value: 61.5, unit: 'W', direction: 'smaller-is-better', source: 'measured' },
      energy_per_inference_j: {
        value: 0.0615,
        unit: 'J',
        direction: 'smaller-is-better',
        source: 'measured',
      },
    });
  });

  it.each([
    ['a CPU-only machine', CPU_ONLY, { samples: 3, intervalMs: 150, energyJ: 1 }, []],
    [
      'a card that reports only memory',
      GPU,
      { samples: 3, intervalMs: 150, peakMemoryMiB: 10 },
      ['peak_device_memory_mib'],
    ],
    ['no samples', GPU, { samples: 0, intervalMs: 150 }, []],
  ])('reports only what was measured on %s', (_, hardware, telemetry, names) => {
    expect(Object.keys(acceleratorMetrics(hardware, telemetry, 100))).toEqual(names);
  });
});

import type { HardwareFingerprint, Metric } from '@envoy/core';
import type { TelemetrySummary } from '@envoy/hardware';
import { measured } from './driver.js';

/**
 * Accelerator metrics from one telemetry recording over `inferences` inferences. Machines
 * without an accelerator get none: host power and memory are reported elsewhere.
 */
export function acceleratorMetrics(
  hardware: HardwareFingerprint,
  telemetry: TelemetrySummary,
  inferences: number,
): Record<string, Metric> {
  if (hardware.accelerators.length === 0) return {};
  const metrics: Record<string, Metric> = {};
  if (telemetry.peakMemoryMiB !== undefined) {
    metrics.peak_device_memory_mib = measured(telemetry.peakMemoryMiB, 'MiB', 'smaller-is-better');
  }
  if (telemetry.meanPowerW !== undefined) {
    metrics.mean_power_w = measured(telemetry.meanPowerW, 'W', 'smaller-is-better');
  }
  if (telemetry.energyJ !== undefined && inferences > 0) {
    const perInference = telemetry.energyJ / inferences;
    metrics.energy_per_inference_j = measured(perInference, 'J', 'smaller-is-better');
  }
  return metrics;
}

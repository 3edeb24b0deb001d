import { max, mean, min, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Percentiles, mean and range of latency samples in milliseconds. */
export function summariseLatencies(samplesMs: number[]): LatencySummary {
  if (samplesMs.length === 0) throw new RangeError('summariseLatencies: no samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    mean: mean(sorted),
    min: min(sorted),
    max: max(sorted),
  };
}

/**
 * Sample standard deviation over the mean. Needs at least two values and a non-zero mean:
 * one trial says nothing about how stable a measurement is.
 */
export function coefficientOfVariation(values: number[]): number {
  if (values.length < 2) {
    throw new RangeError(`coefficientOfVariation: needs at least 2 values, got ${values.length}`);
  }
  const average = mean(values);
  if (average === 0) throw new RangeError('coefficientOfVariation: the mean is 0');
  return sampleStandardDeviation(values) / Math.abs(average);
}

import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './types.js';

const MICROSECONDS_PER_MS = 1000;

/**
 * Latencies in an HDR histogram: recorded in whole microseconds (three significant digits,
 * pure JavaScript build, no WebAssembly), summarised in milliseconds.
 */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  get count(): number {
    return this.histogram.totalCount;
  }

  recordMs(milliseconds: number): void {
    const microseconds = Math.round(milliseconds * MICROSECONDS_PER_MS);
    this.histogram.recordValue(microseconds > 1 ? microseconds : 1);
  }

  /** The latency at `percentile` (0 to 100), in milliseconds; 0 when nothing was recorded. */
  percentileMs(percentile: number): number {
    if (this.histogram.totalCount === 0) return 0;
    return this.histogram.getValueAtPercentile(percentile) / MICROSECONDS_PER_MS;
  }

  summary(): LatencySummary {
    const empty = this.histogram.totalCount === 0;
    return {
      count: this.histogram.totalCount,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      mean: empty ? 0 : this.histogram.mean / MICROSECONDS_PER_MS,
      max: empty ? 0 : this.histogram.maxValue / MICROSECONDS_PER_MS,
    };
  }
}

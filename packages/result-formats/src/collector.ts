import type { Direction, Metric } from '@envoy/core';
import { problemInFile } from './problems.js';

/**
 * Gathers a file's metrics and refuses two different values under one name, so a naming
 * clash never silently drops a number. The same value twice (MLPerf prints some twice)
 * is kept once.
 */
export class MetricCollector {
  private readonly metrics: Record<string, Metric> = {};
  private readonly origins = new Map<string, string>();

  constructor(private readonly source: string) {}

  /** `origin` says where the value came from, such as `line 12` or `benchmarks[3]`. */
  add(name: string, value: number, unit: string, direction: Direction, origin: string): void {
    const earlier = this.metrics[name];
    if (earlier) {
      if (earlier.value === value && earlier.unit === unit) return;
      throw problemInFile(
        this.source,
        `two values for metric "${name}": ${earlier.value} ${earlier.unit} (${this.origins.get(name)})` +
          ` and ${value} ${unit} (${origin}); rename one so each metric name is unique`,
      );
    }
    this.metrics[name] = { value, unit, direction, source: 'measured' };
    this.origins.set(name, origin);
  }

  /** The metrics gathered; a file that yields none is a mistake, not an empty result. */
  result(what: string): Record<string, Metric> {
    if (this.origins.size === 0) throw problemInFile(this.source, `no metrics found in ${what}`);
    return this.metrics;
  }
}

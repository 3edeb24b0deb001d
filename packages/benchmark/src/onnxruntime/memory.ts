const BYTES_PER_MB = 1_000_000;

/**
 * Tracks the process's peak resident set size: the RSS sampled on a timer and on demand,
 * and the kernel's own maximum (resourceUsage().maxRSS) when stopped.
 */
export class PeakRss {
  private peakBytes = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 100) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
  }

  /** Stops sampling; returns the peak in megabytes (10^6 bytes). */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    const kernelPeakBytes = process.resourceUsage().maxRSS * 1024;
    return Math.max(this.peakBytes, kernelPeakBytes) / BYTES_PER_MB;
  }
}

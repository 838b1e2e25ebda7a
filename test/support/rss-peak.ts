const MB = 1024 * 1024;

/**
 * The highest resident set size of this process since it was made, sampled on a timer (for asynchronous work) and
 * wherever `sample()` is called (inside synchronous loops, where no timer fires). A bound on its growth shows that
 * memory stays bounded however hostile the input; it is not a benchmark.
 */
export class RssPeak {
  readonly baseline = process.memoryUsage.rss();
  private peak = this.baseline;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const now = process.memoryUsage.rss();
    if (now > this.peak) this.peak = now;
  }

  /** Stops sampling; sizes in MiB, rounded. */
  stop(): { baselineMb: number; peakMb: number; growthMb: number } {
    clearInterval(this.timer);
    this.sample();
    const round = (bytes: number) => Math.round(bytes / MB);
    return { baselineMb: round(this.baseline), peakMb: round(this.peak), growthMb: round(this.peak - this.baseline) };
  }
}

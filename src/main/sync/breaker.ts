export type BreakerState = 'closed' | 'open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** First health probe after opening; doubles up to `maxProbeMs` while the portal stays down. */
  probeMs: number;
  maxProbeMs: number;
}

/**
 * Stops all sending after repeated failures (an outage), probes the portal's health instead, and
 * closes again on the first healthy answer, at which point the caller drains the backlog at once.
 */
export class CircuitBreaker {
  state: BreakerState = 'closed';
  private failures = 0;
  private probeDelay: number;
  nextProbeAt = 0;

  constructor(private readonly options: BreakerOptions) {
    this.probeDelay = options.probeMs;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  recordSuccess(): void {
    this.failures = 0;
  }

  /** Returns true when this failure opened the circuit. */
  recordFailure(nowMs: number): boolean {
    this.failures++;
    if (this.state === 'closed' && this.failures >= this.options.threshold) {
      this.state = 'open';
      this.probeDelay = this.options.probeMs;
      this.nextProbeAt = nowMs + this.probeDelay;
      return true;
    }
    return false;
  }

  probeDue(nowMs: number): boolean {
    return this.state === 'open' && nowMs >= this.nextProbeAt;
  }

  probeFailed(nowMs: number): void {
    this.probeDelay = Math.min(this.options.maxProbeMs, this.probeDelay * 2);
    this.nextProbeAt = nowMs + this.probeDelay;
  }

  close(): void {
    this.state = 'closed';
    this.failures = 0;
    this.probeDelay = this.options.probeMs;
  }
}

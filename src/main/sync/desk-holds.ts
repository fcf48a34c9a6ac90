import type { DeskFault } from './classify';

/** A 429 holds the desk at least this long, whatever Retry-After says (0, or a date already past). */
export const MIN_RATE_LIMIT_MS = 1_000;

export interface ActiveFault {
  fault: DeskFault;
  since: string;
  nextProbeAt: number;
  probeDelay: number;
}

/**
 * The two holds of the whole desk that are not the circuit breaker, as plain bookkeeping (the
 * engine does the probing, logging and reporting): the portal's 429, and a desk-wide fault with
 * its probe schedule. A fault that comes straight back after a probe found it fixed is one the
 * probe cannot see (only some calls meet it), so each return waits twice as long.
 */
export class DeskHolds {
  private rateLimitedUntil = 0;
  private active: ActiveFault | null = null;
  private lastCleared: { fault: DeskFault; at: number; probeDelay: number } | null = null;

  constructor(private readonly timing: { probeMs: number; maxProbeMs: number; maxDelayMs: number }) {}

  get fault(): ActiveFault | null {
    return this.active;
  }

  rateLimited(nowMs: number): string | null {
    return this.rateLimitedUntil > nowMs ? new Date(this.rateLimitedUntil).toISOString() : null;
  }

  /** Hold for a 429: as long as asked, at least MIN_RATE_LIMIT_MS, at most maxDelayMs. Returns the end, and whether this started a hold. */
  holdForRateLimit(askedMs: number, nowMs: number): { until: number; started: boolean; extended: boolean; waitMs: number } {
    const waitMs = Math.min(this.timing.maxDelayMs, Math.max(MIN_RATE_LIMIT_MS, Number.isFinite(askedMs) ? askedMs : 0));
    const started = this.rateLimitedUntil <= nowMs;
    const extended = nowMs + waitMs > this.rateLimitedUntil;
    if (extended) this.rateLimitedUntil = nowMs + waitMs;
    return { until: this.rateLimitedUntil, started, extended, waitMs };
  }

  /** Enter (or switch to) a fault; returns 'new', 'returned' (straight back after clearing) or 'same'. */
  enterFault(fault: DeskFault, now: Date): 'new' | 'returned' | 'same' {
    if (this.active?.fault === fault) return 'same';
    const { probeMs, maxProbeMs } = this.timing;
    const last = this.lastCleared;
    const returning = last?.fault === fault && now.getTime() - last.at < Math.max(60_000, last.probeDelay * 4);
    const probeDelay = returning ? Math.min(maxProbeMs, last!.probeDelay * 2) : probeMs;
    this.active = { fault, since: now.toISOString(), nextProbeAt: now.getTime() + probeDelay, probeDelay };
    return returning ? 'returned' : 'new';
  }

  faultProbeDue(nowMs: number): boolean {
    return this.active !== null && nowMs >= this.active.nextProbeAt;
  }

  /** The fault's probe failed: wait twice as long for the next one. */
  faultProbeFailed(nowMs: number): void {
    if (!this.active) return;
    this.active.probeDelay = Math.min(this.timing.maxProbeMs, this.active.probeDelay * 2);
    this.active.nextProbeAt = nowMs + this.active.probeDelay;
  }

  /** Probe at once (support says it is fixed). */
  probeNow(): void {
    if (this.active) this.active.nextProbeAt = 0;
  }

  clearFault(nowMs: number): ActiveFault | null {
    const cleared = this.active;
    if (cleared) this.lastCleared = { fault: cleared.fault, at: nowMs, probeDelay: cleared.probeDelay };
    this.active = null;
    return cleared;
  }

  /** How long until something holding the desk may change (for the engine's timer), or null when nothing holds. */
  msUntilChange(nowMs: number): number | null {
    if (this.active) return Math.max(50, this.active.nextProbeAt - nowMs);
    if (this.rateLimitedUntil > nowMs) return this.rateLimitedUntil - nowMs;
    return null;
  }
}

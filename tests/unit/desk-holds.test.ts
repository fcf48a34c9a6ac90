import { describe, expect, it } from 'vitest';
import { DeskHolds, MIN_RATE_LIMIT_MS } from '../../src/main/sync/desk-holds';

describe('holds of the whole desk', () => {
  const timing = { probeMs: 1_000, maxProbeMs: 8_000, maxDelayMs: 60_000 };

  it('a 429 holds at least a second and at most maxDelayMs; a longer one extends, a shorter one does not shorten', () => {
    const holds = new DeskHolds(timing);
    expect(holds.holdForRateLimit(0, 0)).toEqual({ until: MIN_RATE_LIMIT_MS, started: true, extended: true, waitMs: MIN_RATE_LIMIT_MS });
    expect(holds.holdForRateLimit(Number.NaN, 0).until).toBe(MIN_RATE_LIMIT_MS);
    expect(holds.holdForRateLimit(1e16, 0)).toMatchObject({ until: 60_000, started: false });
    expect(holds.holdForRateLimit(5_000, 10)).toMatchObject({ until: 60_000, extended: false });
    expect(holds.rateLimited(59_999)).not.toBeNull();
    expect(holds.rateLimited(60_000)).toBeNull();
  });

  it('a fault probed and failing waits twice as long each time, up to maxProbeMs', () => {
    const holds = new DeskHolds(timing);
    expect(holds.enterFault('credentials', new Date(0))).toBe('new');
    expect(holds.enterFault('credentials', new Date(0))).toBe('same');
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = holds.fault!.nextProbeAt;
      expect(holds.faultProbeDue(t - 1)).toBe(false);
      expect(holds.faultProbeDue(t)).toBe(true);
      holds.faultProbeFailed(t);
      delays.push(holds.fault!.probeDelay);
    }
    expect(delays).toEqual([2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('a fault straight back after clearing is a "returned" one, probed more slowly than before', () => {
    const holds = new DeskHolds(timing);
    holds.enterFault('redirect', new Date(0));
    holds.clearFault(1_000);
    expect(holds.enterFault('redirect', new Date(1_500))).toBe('returned');
    expect(holds.fault!.probeDelay).toBe(2_000);
    holds.clearFault(3_500);
    expect(holds.enterFault('redirect', new Date(4_000))).toBe('returned');
    expect(holds.fault!.probeDelay).toBe(4_000);
    holds.clearFault(10_000);
    expect(holds.enterFault('redirect', new Date(10_000 + 120_000))).toBe('new'); // long after: a new fault
    expect(holds.fault!.probeDelay).toBe(1_000);
  });
});

import { describe, expect, it } from 'vitest';
import { fullJitter } from '../../src/main/sync/backoff';


describe('backoff between attempts', () => {
  it('backs off exponentially with full jitter, up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 10].map((n) => fullJitter(n, 1_000, 30_000, top))).toEqual([999, 1_999, 3_999, 7_999, 29_999]);
    expect(fullJitter(5, 1_000, 30_000, () => 0)).toBe(0);
    const spread = new Set(Array.from({ length: 50 }, () => fullJitter(6, 1_000, 30_000)));
    expect(spread.size).toBeGreaterThan(40);
  });
});

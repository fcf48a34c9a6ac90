import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/main/portal/client';

/** Retry-After as RFC 9110 §10.2.3 defines it: delay-seconds or an HTTP-date (§5.6.7: three forms). */
describe('Retry-After', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  it.each([
    ['120', 120_000],
    ['  30 ', 30_000],
    ['0', 0],
    ['120, 120', 120_000], // the header sent twice
    ['Wed, 25 Nov 2026 10:01:00 GMT', 60_000], // IMF-fixdate
    ['Wednesday, 25-Nov-26 10:01:00 GMT', 60_000], // RFC 850
    ['Wed Nov 25 10:01:00 2026', 60_000], // asctime
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0], // already past
    ['31536000000', 31_536_000_000_000], // huge: the engine clamps it
  ])('%j → %i ms', (value, ms) => expect(parseRetryAfter(value, now)).toBe(ms));

  it.each(['1e13', 'NaN', '-5', 'soon', '', '1.5', 'x'.repeat(65), '25 Nov 2026'])('%j is not a Retry-After', (value) => expect(parseRetryAfter(value, now)).toBeNull());
});

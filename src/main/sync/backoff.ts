/**
 * Exponential backoff with full jitter: a random delay between 0 and min(cap, base * 2^(n-1)).
 * Spreads retries from many desks so a recovering portal is not hit all at once.
 */
export function fullJitter(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

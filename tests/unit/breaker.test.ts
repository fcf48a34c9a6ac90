import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/main/sync/breaker';


describe('the circuit breaker', () => {
  it('the breaker opens after the threshold, probes with growing delay, and closes on success', () => {
    const breaker = new CircuitBreaker({ threshold: 3, probeMs: 100, maxProbeMs: 350 });
    expect([breaker.recordFailure(0), breaker.recordFailure(0)]).toEqual([false, false]);
    breaker.recordSuccess();
    expect(breaker.recordFailure(0)).toBe(false);
    expect(breaker.recordFailure(0)).toBe(false);
    expect(breaker.recordFailure(1_000)).toBe(true);
    expect(breaker.state).toBe('open');
    expect([breaker.probeDue(1_050), breaker.probeDue(1_100)]).toEqual([false, true]);
    breaker.probeFailed(1_100);
    expect(breaker.nextProbeAt).toBe(1_300);
    breaker.probeFailed(1_300);
    expect(breaker.nextProbeAt).toBe(1_650); // capped at 350
    breaker.close();
    expect(breaker.state).toBe('closed');
  });
});

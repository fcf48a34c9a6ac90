import { describe, expect, it } from 'vitest';
import { PortalError } from '../../src/main/portal/errors';
import { classify } from '../../src/main/sync/classify';
import { fullJitter } from '../../src/main/sync/backoff';
import { CircuitBreaker } from '../../src/main/sync/breaker';

const http = (status: number, code: string | null = null, retryAfterMs: number | null = null) => new PortalError('http', 'x', status, code, retryAfterMs);
const net = (code: string | null) => new PortalError('network', 'x', null, null, null, undefined, code);

describe('failure classification', () => {
  it('retries what may succeed later, and names the broken link', () => {
    expect(classify(net('ENOTFOUND'))).toMatchObject({ action: 'retry', link: 'network', breaker: true, reason: { key: 'sync.reason.network' } });
    expect(classify(net('EHOSTUNREACH')).link).toBe('network');
    expect(classify(net('ECONNREFUSED'))).toMatchObject({ action: 'retry', link: 'portal', reason: { key: 'sync.reason.portalDown' } });
    expect(classify(net('UND_ERR_SOCKET')).link).toBe('portal');
    expect(classify(new PortalError('timeout', 'x'))).toMatchObject({ action: 'retry', link: 'portal', breaker: true });
    expect(classify(new PortalError('bad-response', 'x', 200))).toMatchObject({ action: 'retry', breaker: true });
    expect(classify(http(503))).toMatchObject({ action: 'retry', breaker: true, reason: { key: 'sync.reason.server', params: { status: 503 } } });
    expect(classify(http(503, 'state_unavailable'))).toMatchObject({ action: 'retry', breaker: false, link: 'state' });
    expect(classify(http(429, 'rate_limited', 30_000))).toMatchObject({ action: 'retry', breaker: false, retryAfterMs: 30_000 });
  });

  it('sends refusals to the operator with a specific reason', () => {
    expect(classify(http(409, 'admitted_elsewhere'))).toMatchObject({ action: 'needs-action', reason: { key: 'sync.reason.admittedElsewhere' } });
    expect(classify(http(422, 'backdate_limit')).reason.key).toBe('sync.reason.backdateLimit');
    expect(classify(http(400, 'validation_failed')).reason.key).toBe('sync.reason.validation');
    expect(classify(http(401, 'invalid_credentials'))).toMatchObject({ action: 'retry', deskFault: 'credentials', reason: { key: 'sync.reason.credentials' } });
    expect(classify(http(418, 'teapot'))).toMatchObject({ action: 'needs-action', reason: { key: 'sync.reason.rejected', params: { status: 418 } } });
    expect(classify(new Error('bug'))).toMatchObject({ action: 'retry', breaker: false, reason: { key: 'sync.reason.internal' } });
  });

  it('backs off exponentially with full jitter, up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 10].map((n) => fullJitter(n, 1_000, 30_000, top))).toEqual([999, 1_999, 3_999, 7_999, 29_999]);
    expect(fullJitter(5, 1_000, 30_000, () => 0)).toBe(0);
    const spread = new Set(Array.from({ length: 50 }, () => fullJitter(6, 1_000, 30_000)));
    expect(spread.size).toBeGreaterThan(40);
  });

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

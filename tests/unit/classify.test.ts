import { describe, expect, it } from 'vitest';
import { PortalError } from '../../src/main/portal/errors';
import { classify } from '../../src/main/sync/classify';

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
});

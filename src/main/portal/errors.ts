import { MitraError } from '../../shared/errors';

/**
 * How a portal call failed. `network` and `timeout` mean no answer; `http` carries the status and
 * the portal's own error code; `bad-response` means an answer that is not what the contract says;
 * `redirect` an answer sending us elsewhere (never followed); `certificate` a TLS certificate
 * that did not verify.
 */
export type PortalFailure = 'network' | 'timeout' | 'http' | 'bad-response' | 'redirect' | 'certificate';

export class PortalError extends MitraError {
  constructor(
    readonly kind: PortalFailure,
    message: string,
    readonly status: number | null = null,
    readonly portalCode: string | null = null,
    readonly retryAfterMs: number | null = null,
    cause?: unknown,
    /** For `network`: the socket-level code (ENOTFOUND, ECONNREFUSED, UND_ERR_SOCKET, ...). */
    readonly networkCode: string | null = null,
    /** The contract path that failed (`auth/token`, `registrations`, ...): a login failure is the desk's, not an entry's. */
    readonly path: string | null = null,
  ) {
    super(`portal_${portalCode ?? kind.replace('-', '_')}`, message, {
      messageKey: `portal.error.${portalErrorKey(kind, status, portalCode)}`,
      params: { status: status ?? 0, code: portalCode ?? '' },
      cause,
    });
    this.name = 'PortalError';
  }
}

/** The translation key for a failure: known portal codes by name, the rest by kind. */
export function portalErrorKey(kind: PortalFailure, status: number | null, code: string | null): string {
  const known = ['admitted_elsewhere', 'backdate_limit', 'verification_failed', 'validation_failed', 'beneficiary_not_found', 'state_unavailable', 'idempotency_mismatch', 'invalid_credentials', 'token_expired', 'rate_limited', 'portal_unavailable', 'not_found'];
  if (code && known.includes(code)) return code;
  if (kind === 'http' && status !== null) return status >= 500 ? 'server' : status === 429 ? 'rate_limited' : 'rejected';
  return kind === 'bad-response' ? 'badResponse' : kind;
}

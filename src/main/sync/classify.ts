import type { Message } from '../../shared/contract/common';
import { message } from '../base/message';
import type { LinkId } from '../../shared/contract/health';
import { PortalError } from '../portal/errors';

/**
 * A fault of the whole desk, not of one registration: nothing can be sent until it is fixed, no
 * operator can fix it entry by entry, and entries resume by themselves once it is gone.
 */
export type DeskFault = 'credentials' | 'certificate' | 'redirect' | 'address';

/** What to do with an entry after a failed send, and which link the failure points at. */
export interface Verdict {
  action: 'retry' | 'needs-action';
  reason: Message;
  /** Counts toward opening the circuit (the portal itself looks down). */
  breaker: boolean;
  /** 429: the whole desk waits this long (Retry-After, clamped by the engine) instead of the backoff. */
  retryAfterMs: number | null;
  /** Set for a desk-wide fault: sending stops for every entry until a probe finds it fixed. */
  deskFault: DeskFault | null;
  link: LinkId;
  httpStatus: number | null;
  code: string;
}


/**
 * Socket failures that mean this computer cannot get out: no name resolution, no route, no link.
 * A refused or dropped connection means the portal's host was reached and did not serve us.
 */
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

const AUTH_PATHS = new Set(['auth/token', 'auth/refresh']);

/** Portal codes with a reason of their own (a Map: a code such as `__proto__` must find nothing). */
const KNOWN_REFUSALS = new Map<string, string>([
  ['admitted_elsewhere', 'sync.reason.admittedElsewhere'],
  ['backdate_limit', 'sync.reason.backdateLimit'],
  ['verification_failed', 'sync.reason.verificationFailed'],
  ['beneficiary_not_found', 'sync.reason.beneficiaryNotFound'],
  ['idempotency_mismatch', 'sync.reason.idempotencyMismatch'],
  ['validation_failed', 'sync.reason.validation'],
]);

/**
 * Sort a failure: no answer, timeouts, 5xx and garbage are retried (the Idempotency-Key makes a
 * resend safe); 429 holds the whole desk as told; refused credentials (a 401 that survived the
 * client's one refresh, a 403, any 4xx from the login itself), a login address that is not there
 * (404), a certificate that does not verify and a redirect are desk-wide faults; 4xx validation and rule refusals go to the operator with a reason they can act on.
 */
export function classify(error: unknown): Verdict {
  if (!(error instanceof PortalError)) {
    return { action: 'retry', reason: message('sync.reason.internal'), breaker: false, retryAfterMs: null, deskFault: null, link: 'portal', httpStatus: null, code: 'internal' };
  }
  const base = { httpStatus: error.status, code: error.portalCode ?? error.kind, retryAfterMs: null, deskFault: null };
  switch (error.kind) {
    case 'network':
      if (error.networkCode === null || NETWORK_CODES.has(error.networkCode)) return { ...base, action: 'retry', reason: message('sync.reason.network'), breaker: true, link: 'network' };
      return { ...base, action: 'retry', reason: message('sync.reason.portalDown'), breaker: true, link: 'portal' };
    case 'timeout':
      return { ...base, action: 'retry', reason: message('sync.reason.timeout'), breaker: true, link: 'portal' };
    case 'bad-response':
      return { ...base, action: 'retry', reason: message('sync.reason.badResponse'), breaker: true, link: 'portal' };
    case 'certificate':
      return { ...base, action: 'retry', reason: message('sync.reason.certificate'), breaker: false, deskFault: 'certificate', link: 'portal' };
    case 'redirect':
      return { ...base, action: 'retry', reason: message('sync.reason.redirected'), breaker: false, deskFault: 'redirect', link: 'portal' };
    case 'http':
      break;
  }
  const status = error.status ?? 0;
  // The login itself refused (any 4xx but 429): the desk cannot send anything, whichever entry asked.
  if (error.path !== null && AUTH_PATHS.has(error.path) && status >= 400 && status < 500 && status !== 429) {
    const fault: DeskFault = status === 404 || status === 405 || status === 410 ? 'address' : 'credentials';
    return { ...base, action: 'retry', reason: message(fault === 'address' ? 'sync.reason.address' : 'sync.reason.credentials'), breaker: false, deskFault: fault, link: 'portal' };
  }
  if (error.portalCode === 'state_unavailable') return { ...base, action: 'retry', reason: message('sync.reason.stateUnavailable'), breaker: false, link: 'state' };
  if (status === 429) return { ...base, action: 'retry', reason: message('sync.reason.rateLimited'), breaker: false, link: 'portal', retryAfterMs: error.retryAfterMs };
  if (status >= 500) return { ...base, action: 'retry', reason: message('sync.reason.server', { status }), breaker: true, link: 'portal' };
  if (status === 401 || status === 403) return { ...base, action: 'retry', reason: message('sync.reason.credentials'), breaker: false, deskFault: 'credentials', link: 'portal' };
  const key = (error.portalCode !== null && KNOWN_REFUSALS.get(error.portalCode)) || 'sync.reason.rejected';
  return { ...base, action: 'needs-action', reason: message(key, { status }), breaker: false, link: 'portal' };
}

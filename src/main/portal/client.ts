import { z } from 'zod';
import type { Logger } from '../logging/logger';
import { PortalError } from './errors';
import {
  ApiError,
  AuthInitResponse,
  AuthVerifyResponse,
  Health,
  Registration,
  SearchResult,
  Token,
  type Family,
  type RegistrationRequest,
  type SearchQuery,
} from './schemas';

export interface PortalCredentials {
  clientId: string;
  clientSecret: string;
}

export interface PortalClientOptions {
  baseUrl: string;
  credentials: PortalCredentials;
  timeoutMs: number;
  log: Logger;
}

interface RequestOptions<S extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  schema: S;
  body?: unknown;
  headers?: Record<string, string>;
  auth?: boolean;
  query?: Record<string, string | undefined>;
}

const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/**
 * The typed HTTP client for the portal contract (docs/portal-api.yaml). Every exchange is bounded
 * by `timeoutMs`; every answer is checked against the contract (times arrive in UTC from here on);
 * a bearer token is fetched when needed and, on a 401, refreshed once before the call is tried
 * again. Redirects and certificate failures are their own kinds of failure: desk-wide faults.
 */
export class PortalClient {
  private token: { access: string; refresh: string } | null = null;
  private loggingIn: Promise<void> | null = null;
  /** Exchanges under way, so that shutting down can end them instead of waiting out their timeouts. */
  private readonly active = new Set<(error: PortalError) => void>();
  private readonly base: URL;

  constructor(private readonly options: PortalClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  }

  get baseUrl(): string {
    return this.base.toString();
  }

  health() {
    return this.request({ method: 'GET', path: 'health', schema: Health, auth: false });
  }

  async search(query: SearchQuery): Promise<Family[]> {
    return (await this.request({ method: 'GET', path: 'beneficiaries/search', schema: SearchResult, query })).families;
  }

  authInit(body: { beneficiaryId: string; authMode: 'FINGERPRINT' | 'IRIS' | 'FACE' | 'OTP'; familyMemberId?: string }, process: 'Registration' | 'Preauth' | 'Discharge') {
    return this.request({ method: 'POST', path: 'biometric/auth/init', schema: AuthInitResponse, body, headers: { process } });
  }

  authVerify(body: { transactionId: string; fingerPrintAuthPid?: string; irisAuthPid?: string; faceAuthPid?: string; otp?: string }) {
    return this.request({ method: 'POST', path: 'biometric/auth/verify', schema: AuthVerifyResponse, body });
  }

  createRegistration(body: RegistrationRequest, idempotencyKey: string) {
    return this.request({ method: 'POST', path: 'registrations', schema: Registration, body, headers: { 'Idempotency-Key': idempotencyKey } });
  }

  getRegistration(registrationId: string) {
    return this.request({ method: 'GET', path: `registrations/${encodeURIComponent(registrationId)}`, schema: Registration });
  }

  cancelRegistration(registrationId: string, reason: string) {
    return this.request({ method: 'POST', path: `registrations/${encodeURIComponent(registrationId)}/cancel`, schema: Registration, body: { reason } });
  }

  /**
   * End every exchange under way now (the app or the sync command is stopping): each fails as a
   * network failure, its entry stays due and is resent with the same key at the next start.
   */
  abortAll(): void {
    for (const end of [...this.active]) end(new PortalError('network', 'portal call abandoned: Mitra Desk is stopping'));
  }

  /** Ask for a new token with the desk's credentials now: the check that credentials work again. */
  async checkCredentials(): Promise<void> {
    this.token = null;
    await this.login();
  }

  /** One token request at a time: calls that start together share it instead of fetching one each. */
  private login(): Promise<void> {
    this.loggingIn ??= this.request({ method: 'POST', path: 'auth/token', schema: Token, auth: false, body: this.options.credentials })
      .then((token) => {
        this.token = { access: token.accessToken, refresh: token.refreshToken };
      })
      .finally(() => {
        this.loggingIn = null;
      });
    return this.loggingIn;
  }

  /** A refresh token when we have one, else the credentials again. */
  private async renew(): Promise<void> {
    const refresh = this.token?.refresh;
    this.token = null;
    if (refresh) {
      try {
        const token = await this.request({ method: 'POST', path: 'auth/refresh', schema: Token, auth: false, body: { refreshToken: refresh } });
        this.token = { access: token.accessToken, refresh: token.refreshToken };
        return;
      } catch (error) {
        if (!(error instanceof PortalError && error.status === 401)) throw error;
      }
    }
    await this.login();
  }

  private async request<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.output<S>> {
    const auth = options.auth ?? true;
    if (auth && !this.token) await this.login();
    try {
      return await this.send(options, auth);
    } catch (error) {
      if (!(auth && error instanceof PortalError && error.status === 401)) throw error;
      this.options.log.info('portal answered 401; renewing the token once');
      await this.renew();
      return this.send(options, auth);
    }
  }

  /**
   * One HTTP exchange, headers and body, bounded by `timeoutMs` whatever the transport does: the
   * deadline settles the call even when an aborted body read never returns (undici in Node 20).
   * Its timer keeps the process alive, so an awaited call can never be abandoned by an emptied
   * event loop.
   */
  private async send<S extends z.ZodType>(options: RequestOptions<S>, auth: boolean): Promise<z.output<S>> {
    const controller = new AbortController();
    const { timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    let end: (error: PortalError) => void = () => {};
    const deadline = new Promise<never>((_, reject) => {
      end = (error) => {
        controller.abort();
        reject(error);
      };
      // eslint-disable-next-line no-restricted-globals -- only settles a promise; cannot throw
      timer = setTimeout(() => end(new PortalError('timeout', `portal did not answer ${options.method} /${options.path} within ${timeoutMs} ms`)), timeoutMs);
    });
    this.active.add(end);
    try {
      return await Promise.race([this.exchange(options, auth, controller.signal), deadline]);
    } finally {
      this.active.delete(end);
      clearTimeout(timer);
      controller.abort();
    }
  }

  private async exchange<S extends z.ZodType>({ method, path, schema, body, headers, query }: RequestOptions<S>, auth: boolean, signal: AbortSignal): Promise<z.output<S>> {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(auth && this.token ? { Authorization: `Bearer ${this.token.access}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // A redirect is never followed: the credentials and PID blocks must not go where settings do not say.
        redirect: 'manual',
      });
    } catch (error) {
      if (signal.aborted) throw new PortalError('timeout', `portal did not answer ${method} /${path} in time`, null, null, null, error);
      const code = socketCode(error);
      if (code && CERTIFICATE_CODES.has(code)) throw new PortalError('certificate', `portal certificate refused for ${method} /${path}: ${code}`, null, null, null, error, code, path);
      if (code && OVERSIZED_CODES.has(code)) throw new PortalError('bad-response', `portal answer to /${path} is oversized (${code})`, null, null, null, error, code, path);
      throw new PortalError('network', `portal unreachable for ${method} /${path}: ${code ?? (error as Error).message}`, null, null, null, error, code, path);
    }
    if (response.status >= 300 && response.status < 400) {
      void response.body?.cancel().catch(() => {});
      throw new PortalError('redirect', `portal redirected ${method} /${path} (HTTP ${response.status}); redirects are not followed`, response.status, null, null, undefined, null, path);
    }
    let text: string;
    try {
      text = await readLimited(response, MAX_RESPONSE_BYTES, signal);
    } catch (error) {
      if (error instanceof PortalError) throw error;
      throw new PortalError(signal.aborted ? 'timeout' : 'network', `portal answer to /${path} broke off`, response.status, null, null, error, socketCode(error));
    }
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      if (response.ok) throw new PortalError('bad-response', `portal answered /${path} with something that is not JSON`, response.status);
      json = null;
    }
    if (!response.ok) {
      const parsed = ApiError.safeParse(json);
      const code = parsed.success ? portalCodeOf(parsed.data.error.code) : null;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      throw new PortalError('http', `portal refused ${method} /${path}: HTTP ${response.status}${code ? ` ${code}` : ''}`, response.status, code, retryAfterMs, undefined, null, path);
    }
    const checked = schema.safeParse(json);
    if (!checked.success) throw new PortalError('bad-response', `portal answer to /${path} does not match the contract: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message}`, response.status);
    return checked.data;
  }
}

/** TLS verification failures: a desk-wide fault (the portal's certificate, or the desk's clock), never one registration's. */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** An answer too big to read (headers or body): the portal answered, badly; not a network failure. */
const OVERSIZED_CODES = new Set(['UND_ERR_HEADERS_OVERFLOW', 'HPE_HEADER_OVERFLOW', 'UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE']);

/** The socket-level code behind a fetch failure (undici wraps it once or twice). */
function socketCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** A portal error code as we keep it: a short word, or null for anything else (an empty string, a 10 kB one, odd characters). */
function portalCodeOf(code: string): string | null {
  return /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(code) ? code : null;
}

/**
 * Retry-After as RFC 9110 allows it: delay-seconds or an HTTP-date. Null for anything else (NaN,
 * negative, "1e13", a value over 64 characters); the caller clamps what it gets to its own maximum.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.length > 64) return null;
  let text = value.trim();
  // A header sent twice arrives joined ("120, 120"): the first one counts.
  if (/^\d+(?:\s*,\s*\d+)+$/.test(text)) text = text.split(',')[0]!.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000; // may be enormous: the caller clamps it
  // The three HTTP-date forms: IMF-fixdate, RFC 850 and asctime.
  const httpDate =
    /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text) ||
    /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(text) ||
    /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(text);
  if (!httpDate) return null;
  const at = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

async function readLimited(response: Response, limit: number, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        throw new PortalError('bad-response', `portal answer over ${limit} bytes`, response.status);
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).toString('utf8');
}

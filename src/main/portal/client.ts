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
 * The typed HTTP client for the portal contract (docs/portal-api.yaml). Every call has a timeout;
 * every answer is checked against the contract; a bearer token is fetched when needed and, on a
 * 401, refreshed once before the call is tried again.
 */
export class PortalClient {
  private token: { access: string; refresh: string } | null = null;
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

  private async login(): Promise<void> {
    const token = await this.request({ method: 'POST', path: 'auth/token', schema: Token, auth: false, body: this.options.credentials });
    this.token = { access: token.accessToken, refresh: token.refreshToken };
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

  private async send<S extends z.ZodType>({ method, path, schema, body, headers, query }: RequestOptions<S>, auth: boolean): Promise<z.output<S>> {
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
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new PortalError('timeout', `portal did not answer ${method} /${path} within ${this.options.timeoutMs} ms`, null, null, null, error);
      const code = (error as { cause?: { code?: string } }).cause?.code ?? null;
      throw new PortalError('network', `portal unreachable for ${method} /${path}: ${code ?? (error as Error).message}`, null, null, null, error, code);
    }
    let text: string;
    try {
      text = await readLimited(response, MAX_RESPONSE_BYTES);
    } catch (error) {
      if (error instanceof PortalError) throw error;
      const name = (error as Error).name;
      throw new PortalError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', `portal answer to /${path} broke off`, response.status, null, null, error);
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
      const code = parsed.success ? parsed.data.error.code : null;
      const retryAfter = response.headers.get('retry-after');
      const retryAfterMs = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : null;
      throw new PortalError('http', `portal refused ${method} /${path}: HTTP ${response.status}${code ? ` ${code}` : ''}`, response.status, code, retryAfterMs);
    }
    const checked = schema.safeParse(json);
    if (!checked.success) throw new PortalError('bad-response', `portal answer to /${path} does not match the contract: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message}`, response.status);
    return checked.data;
  }
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PortalError('bad-response', `portal answer over ${limit} bytes`, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

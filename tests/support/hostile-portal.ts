import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import selfsigned from 'selfsigned';

/**
 * A portal that keeps to docs/portal-api.yaml but not to our simulator's habits: offsets instead of
 * Z, answers that stall, drip or are cut off, absurd headers and error bodies, expired certificates.
 * It imports nothing from src/ on purpose (the JSON shapes are written out from the YAML), so the
 * app's assumptions cannot leak into it. Behaviour is switched per route at run time.
 * Behaviours that carry the ok answer (offset-timestamps, stall-mid-body, drip, huge-headers) also
 * do its side effect: a create whose answer is lost has still registered, as on a real portal.
 */

export type Route = 'health' | 'token' | 'refresh' | 'search' | 'authInit' | 'authVerify' | 'create' | 'status' | 'cancel';
export type RouteSelector = Route | '*';
export const ROUTES: readonly Route[] = ['health', 'token', 'refresh', 'search', 'authInit', 'authVerify', 'create', 'status', 'cancel'];

export type Behaviour =
  /** A correct answer (the default). */
  | { kind: 'ok' }
  /** Like ok, every timestamp with a numeric offset (default +05:30) and `fraction` digits (default 0; 'varying' cycles lengths). */
  | { kind: 'offset-timestamps'; offsetMinutes?: number; fraction?: number | 'varying' }
  /** Status, headers with the full Content-Length, `sendBytes` of the body (default half), then nothing until close. */
  | { kind: 'stall-mid-body'; sendBytes?: number }
  /** Reads the request and never answers. `commit`: the side effect (a registration) happens anyway. */
  | { kind: 'stall-headers'; commit?: boolean }
  /** The ok answer one byte every `intervalMs` (default 50), from the status line or only the body. */
  | { kind: 'drip'; intervalMs?: number; from?: 'head' | 'body' }
  /** Reads the request, then drops the connection (RST on plain TCP): the per-route cousin of closeOnConnect. */
  | { kind: 'reset'; commit?: boolean }
  /** Any status with `{error:{code,message}}` (any code string) and any extra headers (arrays repeat a header). */
  | { kind: 'error'; status: number; code: string; message?: string; field?: string; headers?: Record<string, string | string[]>; commit?: boolean }
  /** auth/token and auth/refresh: 401 invalid_credentials; secured routes: 401 token_expired; health: ok. */
  | { kind: 'wrong-credentials' }
  /** A redirect; `location` defaults to the request's own URL (a loop). */
  | { kind: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location?: string }
  /** A body that is not JSON (default an HTML login page) or JSON off the contract; `contentType: null` sends none. */
  | { kind: 'garbage'; status?: number; body?: string | Buffer; contentType?: string | null; commit?: boolean }
  /** The ok body after `count` headers (shape many, default 300) or one header of `bytes` (shape one-big, default 60 000). */
  | { kind: 'huge-headers'; shape?: 'many' | 'one-big'; count?: number; bytes?: number };

/**
 * What the portal did with a request once it was read: `complete` answer flushed; `stalled` part of
 * it flushed and no more will come; `silent` nothing will ever be written; `reset` connection
 * dropped; `aborted` the connection closed before the answer was all written.
 */
export type WriteOutcome = 'complete' | 'stalled' | 'silent' | 'reset' | 'aborted';

export interface RequestRecord {
  /** 1-based, in arrival order (a request is recorded once its body has been read). */
  seq: number;
  route: Route | null;
  behaviour: Behaviour['kind'] | 'not-found';
  method: string;
  /** As sent, query included. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the text; undefined when empty. */
  body: unknown;
  rawBody: string;
  /** Wall-clock Date.now() when the request was read (not the portal's `now`). */
  at: number;
  hasAuthorization: boolean;
  hasIdempotencyKey: boolean;
  hasProcess: boolean;
  /** Resolves (never rejects) when the portal has written all it will write for this request. */
  written: Promise<WriteOutcome>;
}

export interface HealthState {
  code: string;
  name: string;
  available: boolean;
}

export type RegistrationStatus = 'active' | 'preauth-raised' | 'cancelled' | 'discharged';

/** A registration as the portal keeps it (instants in ms; formatted per answer). */
export interface StoredRegistration {
  registrationId: string;
  registrationNumber: string;
  status: RegistrationStatus;
  createdAt: number;
  expiresAt: number | null;
  cancelledReason?: string;
  idempotencyKey: string;
  request: unknown;
}

export interface HostileFamily {
  familyId: string;
  state: string;
  district: string;
  rationCard?: string;
  members: Array<{ beneficiaryId: string; name: string; relation: string; status: 'approved' | 'needs-ekyc'; gender?: 'F' | 'M' | 'T'; yearOfBirth?: number }>;
}

export interface HostilePortalOptions {
  tls?: 'valid-self-signed' | 'expired' | false;
  /** The portal's clock in ms (timestamps, token expiry). Default Date.now. */
  now?: () => number;
  /** When given, auth/token accepts only these; otherwise any non-empty pair. */
  credentials?: { clientId: string; clientSecret: string };
  /** Secured routes need a bearer this portal issued and has not expired (default true). */
  requireAuth?: boolean;
  tokenLifetimeSeconds?: number;
  /** When an active registration will be cancelled; null: the portal does not say (no expiresAt). Default 4 h. */
  lifetimeMs?: number | null;
  states?: HealthState[];
  /** What beneficiaries/search answers (default none). */
  families?: HostileFamily[];
  /** Registration ids start with this; e.g. 'R/1 #' to force the client to encode the path. */
  idPrefix?: string;
}

export interface HostilePortal {
  /** Base URL of the contract, e.g. http://127.0.0.1:PORT/api. */
  readonly url: string;
  readonly port: number;
  /** The certificate (PEM) when tls is on, for clients that should trust it. */
  readonly ca: string | null;
  readonly requests: readonly RequestRecord[];
  /** Successful auth/token answers. */
  readonly tokensIssued: number;
  /** Successful auth/refresh answers. */
  readonly tokensRefreshed: number;
  /** TCP connections accepted (including those closed at once). */
  readonly connections: number;
  readonly registrations: ReadonlyMap<string, StoredRegistration>;
  /** Route '*' sets every route. With `times`, only the next n requests (counted across the selected routes), then the previous behaviour again. */
  behave(route: RouteSelector, behaviour: Behaviour, options?: { times?: number }): void;
  /**
   * Server-wide, because the route is unknown until the request is read: every new connection is
   * closed at once without reading ('close' sends FIN, 'reset' RST). Per route, use `{ kind: 'reset' }`.
   */
  closeOnConnect(on: boolean, how?: 'close' | 'reset'): void;
  /** The portal forgets access tokens ('access': refresh still works) or all tokens. */
  expireTokens(which?: 'access' | 'all'): void;
  setRegistrationStatus(registrationId: string, status: RegistrationStatus, cancelledReason?: string): void;
  /** Resolves with the first n requests to the route ('*': any) as soon as they have arrived; rejects on close. */
  waitForRequests(route: RouteSelector, n: number): Promise<RequestRecord[]>;
  /** Resolves when n TCP connections have been accepted; rejects on close. */
  waitForConnections(n: number): Promise<void>;
  closeAllSockets(): void;
  close(): Promise<void>;
}

const DEFAULT_STATES: HealthState[] = [
  { code: 'BR', name: 'Bihar', available: true },
  { code: 'UP', name: 'Uttar Pradesh', available: true },
  { code: 'JH', name: 'Jharkhand', available: true },
  { code: 'MP', name: 'Madhya Pradesh', available: true },
  { code: 'CG', name: 'Chhattisgarh', available: true },
];
// Lengths for fraction 'varying': consecutive timestamps never share one.
const VARYING_FRACTIONS = [1, 6, 0, 3, 9, 2];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const MAX_BODY = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Json = Record<string, unknown>;
type Stamp = (ms: number) => string;

interface Incoming {
  route: Route | null;
  registrationId: string | null;
  method: string;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: unknown;
}

interface Override {
  behaviour: Behaviour;
  left: number;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function failure(status: number, code: string, message: string, field?: string): Answer {
  return json(status, { error: { code, message, ...(field === undefined ? {} : { field }) } });
}

/** Same JSON whatever the key order: the contract says "same body", not "same bytes". */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** RFC 3339 with a numeric offset (never Z), truncated to `digits` fraction digits. */
export function offsetStamp(ms: number, offsetMinutes: number, digits: number): string {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) throw new RangeError(`offset ${offsetMinutes} min is not an RFC 3339 offset`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 9) throw new RangeError(`fraction of ${digits} digits`);
  const d = new Date(ms + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const fraction = digits === 0 ? '' : `.${String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(digits, '0').slice(0, digits)}`;
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${fraction}${offset}`;
}

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function matchRoute(method: string, pathname: string): { route: Route; registrationId: string | null } | { error: Answer } {
  const notFound = { error: failure(404, 'not_found', `no operation at ${pathname}`) };
  if (!pathname.startsWith('/api/')) return notFound;
  const rest = pathname.slice('/api'.length);
  const fixed: Record<string, [string, Route]> = {
    '/health': ['GET', 'health'],
    '/auth/token': ['POST', 'token'],
    '/auth/refresh': ['POST', 'refresh'],
    '/beneficiaries/search': ['GET', 'search'],
    '/biometric/auth/init': ['POST', 'authInit'],
    '/biometric/auth/verify': ['POST', 'authVerify'],
    '/registrations': ['POST', 'create'],
  };
  let expected: [string, Route] | undefined = fixed[rest];
  let registrationId: string | null = null;
  const parts = rest.split('/');
  if (!expected && parts[1] === 'registrations' && parts[2] && (parts.length === 3 || (parts.length === 4 && parts[3] === 'cancel'))) {
    try {
      registrationId = decodeURIComponent(parts[2]);
    } catch {
      return notFound;
    }
    expected = parts.length === 3 ? ['GET', 'status'] : ['POST', 'cancel'];
  }
  if (!expected) return notFound;
  if (expected[0] !== method) return { error: { ...failure(405, 'method_not_allowed', `${rest} takes ${expected[0]}`), headers: { 'Content-Type': 'application/json', Allow: expected[0] } } };
  return { route: expected[1], registrationId };
}

function registrationProblem(body: unknown): string | null {
  if (!isObject(body)) return 'body';
  for (const field of ['beneficiaryId', 'hospitalCode', 'clientReference']) if (typeof body[field] !== 'string' || body[field] === '') return field;
  if (typeof body.state !== 'string' || !/^[A-Z]{2}$/.test(body.state)) return 'state';
  if (!['IP', 'OP', 'CARD'].includes(body.kind as string)) return 'kind';
  if (typeof body.admittedAt !== 'string' || !DATE_TIME.test(body.admittedAt) || Number.isNaN(Date.parse(body.admittedAt))) return 'admittedAt';
  const verification = body.verification;
  if (!isObject(verification) || !['FINGERPRINT', 'IRIS', 'FACE', 'OTP', 'FAMILY_MEMBER', 'CONFIRMED_WITHOUT_BIOMETRIC'].includes(verification.method as string)) return 'verification.method';
  for (const field of ['transactionId', 'confirmedBy']) if (verification[field] !== undefined && typeof verification[field] !== 'string') return `verification.${field}`;
  if (body.notes !== undefined && typeof body.notes !== 'string') return 'notes';
  return null;
}

async function certificate(kind: 'valid-self-signed' | 'expired'): Promise<{ key: string; cert: string }> {
  const day = 86_400_000;
  const now = Date.now();
  const [from, to] = kind === 'expired' ? [now - 60 * day, now - day] : [now - day, now + 30 * day];
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'hostile portal (test only)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(from),
    notAfterDate: new Date(to),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  // A test that believes it saw CERT_HAS_EXPIRED must be looking at a certificate that really is.
  const validTo = Date.parse(new X509Certificate(pems.cert).validTo);
  if (kind === 'expired' ? !(validTo < now) : !(validTo > now)) throw new Error(`generated ${kind} certificate is valid to ${new Date(validTo).toISOString()}`);
  return { key: pems.private, cert: pems.cert };
}

class Portal implements HostilePortal {
  url = '';
  port = 0;
  readonly requests: RequestRecord[] = [];
  tokensIssued = 0;
  tokensRefreshed = 0;
  connections = 0;
  readonly registrations = new Map<string, StoredRegistration>();

  private readonly bases = new Map<Route, Behaviour>();
  private readonly overrides = new Map<Route, Override[]>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<{ check: () => boolean; fail: (error: Error) => void }>();
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private readonly transactions = new Set<string>();
  private readonly keys = new Map<string, { fingerprint: string; answer: string }>();
  private closing: false | 'close' | 'reset' = false;
  private closed = false;
  private varying = 0;
  private registrationCount = 0;
  private readonly now: () => number;

  constructor(
    private readonly server: Server,
    private readonly options: HostilePortalOptions,
    readonly ca: string | null,
  ) {
    this.now = options.now ?? Date.now;
    for (const route of ROUTES) this.bases.set(route, { kind: 'ok' });
    // Connection-level hooks: below HTTP, so closeOnConnect reads nothing.
    server.on('connection', (socket: Socket) => {
      this.connections++;
      this.track(socket);
      if (this.closing) this.drop(socket, this.closing);
      this.checkWaiters();
    });
    server.on('secureConnection', (socket: Socket) => this.track(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.read(req, res));
  }

  behave(route: RouteSelector, behaviour: Behaviour, options: { times?: number } = {}): void {
    const routes = route === '*' ? ROUTES : [route];
    if (options.times === undefined) {
      for (const r of routes) {
        this.bases.set(r, behaviour);
        this.overrides.delete(r);
      }
      return;
    }
    if (!Number.isInteger(options.times) || options.times < 1) throw new RangeError(`times must be a positive integer, not ${options.times}`);
    // One shared counter, so '*' with times 3 means the next three requests whatever their route.
    const override: Override = { behaviour, left: options.times };
    for (const r of routes) this.overrides.set(r, [...(this.overrides.get(r) ?? []), override]);
  }

  closeOnConnect(on: boolean, how: 'close' | 'reset' = 'close'): void {
    this.closing = on ? how : false;
  }

  expireTokens(which: 'access' | 'all' = 'access'): void {
    this.accessTokens.clear();
    if (which === 'all') this.refreshTokens.clear();
  }

  setRegistrationStatus(registrationId: string, status: RegistrationStatus, cancelledReason?: string): void {
    const registration = this.registrations.get(registrationId);
    if (!registration) throw new Error(`no registration ${registrationId}`);
    registration.status = status;
    if (cancelledReason === undefined) delete registration.cancelledReason;
    else registration.cancelledReason = cancelledReason;
  }

  waitForRequests(route: RouteSelector, n: number): Promise<RequestRecord[]> {
    const matching = () => this.requests.filter((r) => route === '*' || r.route === route);
    return this.wait(() => matching().length >= n, () => matching().slice(0, n), `${n} request(s) to ${route}`);
  }

  waitForConnections(n: number): Promise<void> {
    return this.wait(() => this.connections >= n, () => undefined, `${n} connection(s)`);
  }

  closeAllSockets(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters) waiter.fail(new Error('hostile portal closed while a test was waiting on it'));
    this.waiters.clear();
    this.closeAllSockets();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }

  private drop(socket: Socket, how: 'close' | 'reset'): void {
    if (how === 'reset') {
      try {
        socket.resetAndDestroy();
        return;
      } catch {
        // A TLS socket has no TCP handle of its own to reset; a plain destroy is the next best.
      }
    }
    socket.destroy();
  }

  private wait<T>(ready: () => boolean, value: () => T, what: string): Promise<T> {
    if (ready()) return Promise.resolve(value());
    if (this.closed) return Promise.reject(new Error(`hostile portal is closed; ${what} will never arrive`));
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        check: () => {
          if (!ready()) return false;
          resolve(value());
          return true;
        },
        fail: reject,
      };
      this.waiters.add(waiter);
    });
  }

  private checkWaiters(): void {
    for (const waiter of this.waiters) if (waiter.check()) this.waiters.delete(waiter);
  }

  private pick(route: Route): Behaviour {
    const queue = (this.overrides.get(route) ?? []).filter((o) => o.left > 0);
    this.overrides.set(route, queue);
    const next = queue[0];
    if (!next) return this.bases.get(route) ?? { kind: 'ok' };
    next.left--;
    return next.behaviour;
  }

  private read(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => this.dispatch(req, res, size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, rawBody: string | null): void {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const pathname = queryAt < 0 ? target : target.slice(0, queryAt);
    const method = req.method ?? 'GET';
    const matched = matchRoute(method, pathname);
    const route = 'route' in matched ? matched.route : null;
    const behaviour: Behaviour | null = route ? this.pick(route) : null;

    let body: unknown;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    let settle!: (outcome: WriteOutcome) => void;
    const written = new Promise<WriteOutcome>((resolve) => (settle = resolve));
    res.on('finish', () => settle('complete'));
    res.on('close', () => settle(res.writableFinished ? 'complete' : 'aborted'));
    this.requests.push({
      seq: this.requests.length + 1,
      route,
      behaviour: behaviour?.kind ?? 'not-found',
      method,
      path: target,
      headers: req.headers,
      body,
      rawBody: rawBody ?? '',
      at: Date.now(),
      hasAuthorization: req.headers.authorization !== undefined,
      hasIdempotencyKey: req.headers['idempotency-key'] !== undefined,
      hasProcess: req.headers.process !== undefined,
      written,
    });
    this.checkWaiters();

    if (rawBody === null) return this.send(res, failure(413, 'payload_too_large', `request body over ${MAX_BODY} bytes`));
    if ('error' in matched || !route || !behaviour) return this.send(res, 'error' in matched ? matched.error : failure(404, 'not_found', 'no route'));
    const incoming: Incoming = { route, registrationId: matched.registrationId, method, headers: req.headers, query: new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1)), body };
    const utc: Stamp = (ms) => new Date(ms).toISOString();
    const commitIf = (commit: boolean | undefined) => {
      if (commit) this.answer(incoming, utc);
    };

    switch (behaviour.kind) {
      case 'ok':
        return this.send(res, this.answer(incoming, utc));
      case 'offset-timestamps': {
        const offset = behaviour.offsetMinutes ?? 330;
        const fraction = behaviour.fraction ?? 0;
        const digits = () => (fraction === 'varying' ? (VARYING_FRACTIONS[this.varying++ % VARYING_FRACTIONS.length] ?? 0) : fraction);
        return this.send(res, this.answer(incoming, (ms) => offsetStamp(ms, offset, digits())));
      }
      case 'huge-headers': {
        const answer = this.answer(incoming, utc);
        if (behaviour.shape === 'one-big') answer.headers['X-Hostile-Padding'] = 'p'.repeat(behaviour.bytes ?? 60_000);
        else for (let i = 0; i < (behaviour.count ?? 300); i++) answer.headers[`X-Hostile-${String(i).padStart(4, '0')}`] = String(i % 10);
        return this.send(res, answer);
      }
      case 'stall-mid-body':
        return this.stallMidBody(res, this.answer(incoming, utc), behaviour.sendBytes, settle);
      case 'drip':
        return this.drip(req, res, this.answer(incoming, utc), behaviour.intervalMs ?? 50, behaviour.from ?? 'head', settle);
      case 'stall-headers':
        commitIf(behaviour.commit);
        return settle('silent');
      case 'reset':
        commitIf(behaviour.commit);
        settle('reset');
        return this.drop(req.socket, 'reset');
      case 'error': {
        commitIf(behaviour.commit);
        const answer = failure(behaviour.status, behaviour.code, behaviour.message ?? `hostile portal: ${behaviour.code}`, behaviour.field);
        return this.send(res, answer, behaviour.headers);
      }
      case 'wrong-credentials':
        if (route === 'health') return this.send(res, this.answer(incoming, utc));
        if (route === 'token' || route === 'refresh') return this.send(res, failure(401, 'invalid_credentials', 'client credentials are not valid'));
        return this.send(res, failure(401, 'token_expired', 'bearer token expired or unknown'));
      case 'redirect': {
        const host = req.headers.host ?? `127.0.0.1:${this.port}`;
        const scheme = this.ca ? 'https' : 'http';
        return this.send(res, { status: behaviour.status ?? 307, headers: { Location: behaviour.location ?? `${scheme}://${host}${target}` }, body: '' });
      }
      case 'garbage': {
        commitIf(behaviour.commit);
        const contentType = behaviour.contentType === undefined ? 'text/html; charset=utf-8' : behaviour.contentType;
        const payload = behaviour.body ?? '<!doctype html><html><body><form action="/login">Gateway login</form></body></html>';
        res.statusCode = behaviour.status ?? 200;
        if (contentType !== null) res.setHeader('Content-Type', contentType);
        res.setHeader('Content-Length', Buffer.byteLength(payload));
        res.end(payload);
        return;
      }
    }
  }

  private send(res: ServerResponse, answer: Answer, extra: Record<string, string | string[]> = {}): void {
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries({ ...answer.headers, ...extra })) res.setHeader(name, value);
    res.setHeader('Content-Length', Buffer.byteLength(answer.body));
    res.end(answer.body);
  }

  private stallMidBody(res: ServerResponse, answer: Answer, sendBytes: number | undefined, settle: (outcome: WriteOutcome) => void): void {
    const bytes = Buffer.from(answer.body, 'utf8');
    const cut = Math.max(1, Math.min(bytes.length - 1, sendBytes ?? Math.floor(bytes.length / 2)));
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(bytes.length) });
    // Never ended: the socket stays open, owing the rest, until the client or close() gives up.
    res.write(bytes.subarray(0, cut), () => settle('stalled'));
  }

  private drip(req: IncomingMessage, res: ServerResponse, answer: Answer, intervalMs: number, from: 'head' | 'body', settle: (outcome: WriteOutcome) => void): void {
    const body = Buffer.from(answer.body, 'utf8');
    let bytes = body;
    let write: (chunk: Buffer, last: boolean) => void;
    if (from === 'head') {
      // Raw bytes on the socket: Node's response object would send the head in one piece.
      const headers = { ...answer.headers, 'Content-Length': String(body.length), Connection: 'close' };
      const head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
      const socket = req.socket;
      write = (chunk, last) => socket.write(chunk, () => {
        if (!last) return;
        settle('complete');
        socket.end();
      });
    } else {
      res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(body.length) });
      res.flushHeaders();
      write = (chunk, last) => (last ? res.end(chunk) : res.write(chunk));
    }
    let index = 0;
    const tick = () => {
      if (this.closed || req.socket.destroyed || !req.socket.writable) return;
      const last = index === bytes.length - 1;
      write(bytes.subarray(index, index + 1), last);
      index++;
      if (!last) schedule();
    };
    const schedule = () => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        tick();
      }, intervalMs);
      this.timers.add(timer);
    };
    tick();
  }

  /** The contract-correct answer; performs the side effects (tokens, registrations, transactions). */
  private answer(incoming: Incoming, stamp: Stamp): Answer {
    const { route, headers, body } = incoming;
    const now = this.now();
    const needsAuth = route !== 'health' && route !== 'token' && route !== 'refresh';
    if (needsAuth && !this.authorised(headers, now)) return failure(401, 'token_expired', 'bearer token expired or unknown');
    switch (route) {
      case 'health':
        return json(200, { status: 'ok', time: stamp(now), states: this.options.states ?? DEFAULT_STATES });
      case 'token': {
        if (!isObject(body) || typeof body.clientId !== 'string' || typeof body.clientSecret !== 'string') return failure(400, 'validation_failed', 'clientId and clientSecret are required', isObject(body) && typeof body.clientId === 'string' ? 'clientSecret' : 'clientId');
        const expected = this.options.credentials;
        const valid = expected ? body.clientId === expected.clientId && body.clientSecret === expected.clientSecret : body.clientId !== '' && body.clientSecret !== '';
        if (!valid) return failure(401, 'invalid_credentials', 'client credentials are not valid');
        this.tokensIssued++;
        return json(200, this.issue(now));
      }
      case 'refresh': {
        if (!isObject(body) || typeof body.refreshToken !== 'string') return failure(400, 'validation_failed', 'refreshToken is required', 'refreshToken');
        // Refresh tokens are single-use: the contract allows rotation, and real gateways do it.
        if (!this.refreshTokens.delete(body.refreshToken)) return failure(401, 'invalid_credentials', 'refresh token is not valid');
        this.tokensRefreshed++;
        return json(200, this.issue(now));
      }
      case 'search': {
        const state = incoming.query.get('state');
        if (!state || !/^[A-Z]{2}$/.test(state)) return failure(400, 'validation_failed', 'state is required', 'state');
        return json(200, { families: (this.options.families ?? []).filter((f) => f.state === state) });
      }
      case 'authInit': {
        const processHeader = firstHeader(headers, 'process');
        if (!processHeader || !['Registration', 'Preauth', 'Discharge'].includes(processHeader)) return failure(400, 'validation_failed', 'process header must be Registration, Preauth or Discharge', 'process');
        if (!isObject(body) || typeof body.beneficiaryId !== 'string' || body.beneficiaryId === '') return failure(400, 'validation_failed', 'beneficiaryId is required', 'beneficiaryId');
        if (!['FINGERPRINT', 'IRIS', 'FACE', 'OTP'].includes(body.authMode as string)) return failure(400, 'validation_failed', 'authMode is not known', 'authMode');
        const transactionId = `T${randomBytes(10).toString('hex')}`;
        this.transactions.add(transactionId);
        return json(200, { transactionId, ...(body.authMode === 'OTP' ? { otpSentTo: 'XXXXXX4321' } : {}) });
      }
      case 'authVerify': {
        if (!isObject(body) || typeof body.transactionId !== 'string' || !this.transactions.has(body.transactionId)) return failure(400, 'validation_failed', 'transactionId is not known', 'transactionId');
        return json(200, { verified: true });
      }
      case 'create':
        return this.create(incoming, now, stamp);
      case 'status': {
        const registration = this.registrations.get(incoming.registrationId ?? '');
        return registration ? json(200, this.view(registration, stamp)) : failure(404, 'not_found', 'no such registration');
      }
      case 'cancel': {
        const registration = this.registrations.get(incoming.registrationId ?? '');
        if (!registration) return failure(404, 'not_found', 'no such registration');
        if (!isObject(body) || typeof body.reason !== 'string' || body.reason.length < 3) return failure(400, 'validation_failed', 'reason of at least 3 characters', 'reason');
        if (registration.status !== 'cancelled') {
          registration.status = 'cancelled';
          registration.cancelledReason = body.reason;
        }
        return json(200, this.view(registration, stamp));
      }
      case null:
        return failure(404, 'not_found', 'no route');
    }
  }

  private create(incoming: Incoming, now: number, stamp: Stamp): Answer {
    const key = firstHeader(incoming.headers, 'idempotency-key');
    if (!key || !UUID.test(key)) return failure(400, 'validation_failed', 'Idempotency-Key must be a UUID', 'Idempotency-Key');
    const problem = registrationProblem(incoming.body);
    if (problem) return failure(400, 'validation_failed', `${problem} is missing or wrong`, problem);
    const fingerprint = canonical(incoming.body);
    const seen = this.keys.get(key);
    // The contract: same key and body, the first answer again; same key, other body, refused.
    if (seen) return seen.fingerprint === fingerprint ? { status: 200, headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' }, body: seen.answer } : failure(422, 'idempotency_mismatch', 'this Idempotency-Key came with another body');
    const request = incoming.body as Json;
    const n = ++this.registrationCount;
    const prefix = request.kind === 'IP' ? 'IP' : request.kind === 'OP' ? 'OP' : 'CR';
    const lifetime = this.options.lifetimeMs === undefined ? 4 * 3_600_000 : this.options.lifetimeMs;
    const registration: StoredRegistration = {
      registrationId: `${this.options.idPrefix ?? 'HP-'}${n}-${randomUUID().slice(0, 8)}`,
      registrationNumber: `${prefix}/${String(request.state)}/${String(n).padStart(7, '0')}`,
      status: 'active',
      createdAt: now,
      expiresAt: lifetime === null ? null : now + lifetime,
      idempotencyKey: key,
      request,
    };
    this.registrations.set(registration.registrationId, registration);
    const answer = JSON.stringify(this.view(registration, stamp));
    this.keys.set(key, { fingerprint, answer });
    return { status: 201, headers: { 'Content-Type': 'application/json' }, body: answer };
  }

  private view(registration: StoredRegistration, stamp: Stamp): Json {
    return {
      registrationId: registration.registrationId,
      registrationNumber: registration.registrationNumber,
      status: registration.status,
      createdAt: stamp(registration.createdAt),
      ...(registration.expiresAt === null ? {} : { expiresAt: stamp(registration.expiresAt) }),
      ...(registration.cancelledReason === undefined ? {} : { cancelledReason: registration.cancelledReason }),
    };
  }

  private issue(now: number): Json {
    const expiresIn = this.options.tokenLifetimeSeconds ?? 900;
    const accessToken = randomBytes(24).toString('base64url');
    const refreshToken = randomBytes(24).toString('base64url');
    this.accessTokens.set(accessToken, now + expiresIn * 1000);
    this.refreshTokens.add(refreshToken);
    return { accessToken, expiresIn, refreshToken };
  }

  private authorised(headers: IncomingHttpHeaders, now: number): boolean {
    if (this.options.requireAuth === false) return true;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    const expires = token === undefined ? undefined : this.accessTokens.get(token);
    return expires !== undefined && expires > now;
  }
}

/** Starts the portal on 127.0.0.1, a free port. */
export async function startHostilePortal(options: HostilePortalOptions = {}): Promise<HostilePortal> {
  const tls = options.tls ?? false;
  const pems = tls ? await certificate(tls) : null;
  // requestTimeout 0: the server itself must never cut a stalled exchange short.
  const server = pems ? createHttpsServer({ key: pems.key, cert: pems.cert, requestTimeout: 0 }) : createHttpServer({ requestTimeout: 0 });
  const portal = new Portal(server, options, pems?.cert ?? null);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  portal.port = (server.address() as AddressInfo).port;
  portal.url = `${pems ? 'https' : 'http'}://127.0.0.1:${portal.port}/api`;
  return portal;
}

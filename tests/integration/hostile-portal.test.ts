import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHostilePortal, type HostilePortal, type HostilePortalOptions } from '../support/hostile-portal';

// The self-test talks plain HTTP (node:http, node:net, fetch): never the app's PortalClient, whose
// assumptions this server exists to break.

const open: HostilePortal[] = [];
async function start(options: HostilePortalOptions = {}): Promise<HostilePortal> {
  const portal = await startHostilePortal(options);
  open.push(portal);
  return portal;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** A tiny JSON-schema check of the YAML itself, so "contract-valid" does not lean on the app's zod. */
interface Schema {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  format?: string;
}
const yamlPath = join(import.meta.dirname, '..', '..', 'docs', 'portal-api.yaml');
const spec = parse(readFileSync(yamlPath, 'utf8')) as { components: { schemas: Record<string, Schema> } };
function problems(schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return problems(spec.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}, value, at);
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum`];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const object = value as Record<string, unknown>;
      const missing = (schema.required ?? []).filter((k) => !(k in object)).map((k) => `${at}.${k}: missing`);
      const inner = Object.entries(schema.properties ?? {}).flatMap(([k, s]) => (k in object ? problems(s, object[k], `${at}.${k}`) : []));
      return [...missing, ...inner];
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => problems(schema.items ?? {}, v, `${at}[${i}]`)) : [`${at}: not an array`];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      return schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) ? [`${at}: not an RFC 3339 date-time`] : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    default:
      return [];
  }
}
const contract = (name: string, value: unknown) => problems({ $ref: `#/components/schemas/${name}` }, value);

interface Exchange {
  req: ClientRequest;
  response: Promise<IncomingMessage>;
  /** Resolves with the first error on the request (never rejects, so a test can await it when it wants). */
  failed: Promise<NodeJS.ErrnoException>;
}
function send(url: string, options: RequestOptions & { body?: string; ca?: string } = {}): Exchange {
  const { body, ...rest } = options;
  const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { agent: false, ...rest });
  const response = new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
  const failed = new Promise<NodeJS.ErrnoException>((resolve) => req.once('error', resolve));
  req.end(body);
  return { req, response, failed };
}

interface Whole {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  text: string;
}
async function whole(exchange: Exchange): Promise<Whole> {
  const res = await Promise.race([exchange.response, exchange.failed.then((e) => Promise.reject(e))]);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text: Buffer.concat(chunks).toString('utf8') };
}

const registrationBody = {
  beneficiaryId: 'PMJAY-BR-0001',
  hospitalCode: 'HOSP21BR000123',
  state: 'BR',
  kind: 'IP',
  admittedAt: '2026-11-24T09:00:00+05:30',
  verification: { method: 'OTP', transactionId: 'T1' },
  clientReference: 'desk-07/42',
};
const KEY = '6f1c2a52-3b8e-4c1d-9a07-2d7e5b1f0c33';

async function token(portal: HostilePortal): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
  const res = await fetch(`${portal.url}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ clientId: 'desk-07', clientSecret: 's' }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('hostile portal: ok speaks the contract', () => {
  it('answers every route with the YAML\'s shapes, guards the secured ones, and records the headers', async () => {
    const portal = await start();
    expect(portal.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);

    const health = await (await fetch(`${portal.url}/health`)).json();
    expect(contract('Health', health)).toEqual([]);
    expect(health).toMatchObject({ status: 'ok', states: expect.arrayContaining([{ code: 'BR', name: 'Bihar', available: true }]) });

    const unauthenticated = await postJson(`${portal.url}/registrations`, registrationBody, { 'Idempotency-Key': KEY });
    expect(unauthenticated.status).toBe(401);
    expect(((await unauthenticated.json()) as { error: { code: string } }).error.code).toBe('token_expired');

    const first = await token(portal);
    expect(contract('Token', first)).toEqual([]);
    expect(portal.tokensIssued).toBe(1);
    const bearer = { Authorization: `Bearer ${first.accessToken}` };

    const created = await postJson(`${portal.url}/registrations`, registrationBody, { ...bearer, 'Idempotency-Key': KEY });
    expect(created.status).toBe(201);
    const createdText = await created.text();
    const registration = JSON.parse(createdText) as { registrationId: string; status: string; createdAt: string; expiresAt: string };
    expect(contract('Registration', registration)).toEqual([]);
    expect(registration.status).toBe('active');
    expect(Date.parse(registration.expiresAt) - Date.parse(registration.createdAt)).toBe(4 * 3_600_000);

    // Same key, same body in another key order: the first answer again, byte for byte.
    const reordered = Object.fromEntries(Object.entries(registrationBody).reverse());
    const replay = await postJson(`${portal.url}/registrations`, reordered, { ...bearer, 'Idempotency-Key': KEY });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(createdText);
    const mismatch = await postJson(`${portal.url}/registrations`, { ...registrationBody, kind: 'OP' }, { ...bearer, 'Idempotency-Key': KEY });
    expect(mismatch.status).toBe(422);
    expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe('idempotency_mismatch');
    const noKey = await postJson(`${portal.url}/registrations`, registrationBody, bearer);
    expect([noKey.status, ((await noKey.json()) as { error: { field: string } }).error.field]).toEqual([400, 'Idempotency-Key']);
    expect(portal.registrations.size).toBe(1);

    const status = await fetch(`${portal.url}/registrations/${encodeURIComponent(registration.registrationId)}`, { headers: bearer });
    expect(await status.json()).toEqual(registration);
    expect((await fetch(`${portal.url}/registrations/nope`, { headers: bearer })).status).toBe(404);
    portal.setRegistrationStatus(registration.registrationId, 'cancelled', 'no pre-authorisation in time');
    const cancelled = (await (await fetch(`${portal.url}/registrations/${registration.registrationId}`, { headers: bearer })).json()) as { status: string };
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledReason: 'no pre-authorisation in time' });

    const noProcess = await postJson(`${portal.url}/biometric/auth/init`, { beneficiaryId: 'PMJAY-BR-0001', authMode: 'OTP' }, bearer);
    expect(noProcess.status).toBe(400);
    const init = (await (await postJson(`${portal.url}/biometric/auth/init`, { beneficiaryId: 'PMJAY-BR-0001', authMode: 'OTP' }, { ...bearer, process: 'Registration' })).json()) as { transactionId: string };
    expect(init.transactionId).toEqual(expect.any(String));
    expect(await (await postJson(`${portal.url}/biometric/auth/verify`, { transactionId: init.transactionId, otp: '123456' }, bearer)).json()).toEqual({ verified: true });

    // Refresh tokens rotate: the used one is refused afterwards.
    const renewed = (await (await postJson(`${portal.url}/auth/refresh`, { refreshToken: first.refreshToken })).json()) as { accessToken: string };
    expect(portal.tokensRefreshed).toBe(1);
    expect((await postJson(`${portal.url}/auth/refresh`, { refreshToken: first.refreshToken })).status).toBe(401);
    portal.expireTokens();
    expect((await fetch(`${portal.url}/registrations/${registration.registrationId}`, { headers: { Authorization: `Bearer ${renewed.accessToken}` } })).status).toBe(401);

    const flags = (route: string) => portal.requests.filter((r) => r.route === route).map((r) => [r.hasAuthorization, r.hasIdempotencyKey, r.hasProcess]);
    expect(flags('health')).toEqual([[false, false, false]]);
    expect(flags('create')).toEqual([[false, true, false], [true, true, false], [true, true, false], [true, true, false], [true, false, false]]);
    expect(flags('authInit')).toEqual([[true, false, false], [true, false, true]]);
    const recorded = portal.requests.find((r) => r.route === 'create' && r.hasAuthorization);
    expect(recorded).toMatchObject({ method: 'POST', path: '/api/registrations', body: registrationBody, behaviour: 'ok' });
    expect(recorded?.headers['idempotency-key']).toBe(KEY);
  });

  it('waits for the Nth request without polling, and gives up waiting when closed', async () => {
    const portal = await start();
    const second = portal.waitForRequests('health', 2);
    await fetch(`${portal.url}/health`);
    await fetch(`${portal.url}/health`);
    const records = await second;
    expect(records.map((r) => r.seq)).toEqual([1, 2]);
    expect(await records[1]?.written).toBe('complete');
    const never = portal.waitForRequests('create', 1);
    await portal.close();
    await expect(never).rejects.toThrow(/closed/);
  });

  it('behaves differently for the next n requests only, per route or across all routes', async () => {
    const portal = await start();
    portal.behave('health', { kind: 'error', status: 503, code: 'portal_unavailable' }, { times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${portal.url}/health`)).status);
    expect(statuses).toEqual([503, 503, 200]);
    portal.behave('*', { kind: 'error', status: 502, code: 'bad_gateway' }, { times: 2 });
    expect((await fetch(`${portal.url}/health`)).status).toBe(502);
    expect((await postJson(`${portal.url}/auth/token`, { clientId: 'a', clientSecret: 'b' })).status).toBe(502);
    expect((await fetch(`${portal.url}/health`)).status).toBe(200);
  });
});

describe('hostile portal: timestamps with offsets', () => {
  // 21:15:30.123Z is already the next day in India.
  const now = Date.parse('2026-11-25T21:15:30.123Z');

  it('writes every timestamp with the offset asked for, the same instants, within the YAML\'s date-time', async () => {
    const portal = await start({ now: () => now, requireAuth: false });
    portal.behave('*', { kind: 'offset-timestamps', offsetMinutes: 330, fraction: 3 });
    const health = (await (await fetch(`${portal.url}/health`)).json()) as { time: string };
    expect(health.time).toBe('2026-11-26T02:45:30.123+05:30');
    const created = (await (await postJson(`${portal.url}/registrations`, registrationBody, { 'Idempotency-Key': KEY })).json()) as { registrationId: string; createdAt: string; expiresAt: string };
    expect(contract('Registration', created)).toEqual([]);
    expect([created.createdAt, created.expiresAt]).toEqual(['2026-11-26T02:45:30.123+05:30', '2026-11-26T06:45:30.123+05:30']);
    expect(Date.parse(created.createdAt)).toBe(now);

    portal.behave('status', { kind: 'offset-timestamps', offsetMinutes: -210 });
    const west = (await (await fetch(`${portal.url}/registrations/${created.registrationId}`)).json()) as { createdAt: string };
    expect(west.createdAt).toBe('2026-11-25T17:45:30-03:30');
    portal.behave('status', { kind: 'offset-timestamps', offsetMinutes: 0, fraction: 9 });
    const zero = (await (await fetch(`${portal.url}/registrations/${created.registrationId}`)).json()) as { createdAt: string };
    expect(zero.createdAt).toBe('2026-11-25T21:15:30.123000000+00:00');
    portal.behave('status', { kind: 'ok' });
    const utc = (await (await fetch(`${portal.url}/registrations/${created.registrationId}`)).json()) as { createdAt: string };
    expect(utc.createdAt).toBe('2026-11-25T21:15:30.123Z');
  });

  it('varies the length of the fractional seconds from one timestamp to the next', async () => {
    const portal = await start({ now: () => now });
    portal.behave('health', { kind: 'offset-timestamps', fraction: 'varying' });
    const times: string[] = [];
    for (let i = 0; i < 6; i++) times.push(((await (await fetch(`${portal.url}/health`)).json()) as { time: string }).time);
    const lengths = times.map((t) => /\.(\d+)/.exec(t)?.[1]?.length ?? 0);
    expect(new Set(lengths).size).toBe(6);
    for (const [i, time] of times.entries()) {
      expect(time.endsWith('+05:30')).toBe(true);
      // Fewer than 3 digits truncate the milliseconds; more add zeros.
      const digits = lengths[i] ?? 0;
      const unit = 10 ** Math.max(0, 3 - digits);
      expect(Date.parse(time)).toBe(now - (now % unit));
    }
  });
});

describe('hostile portal: on the wire', () => {
  it('stall-mid-body: headers and part of the body, then nothing; the response never completes', async () => {
    const portal = await start();
    portal.behave('health', { kind: 'stall-mid-body', sendBytes: 10 });
    const exchange = send(`${portal.url}/health`);
    const res = await exchange.response;
    let ended = false;
    res.on('end', () => (ended = true));
    res.on('error', () => {});
    // Not events.once: it would reject on the 'aborted' error that comes before 'close'.
    const closed = new Promise((resolve) => res.once('close', resolve));
    let received = 0;
    const partial = new Promise<void>((resolve) =>
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 10) resolve();
      }),
    );
    const [record] = await portal.waitForRequests('health', 1);
    expect(await record?.written).toBe('stalled');
    await partial;
    await new Promise((resolve) => setImmediate(resolve));
    expect(Number(res.headers['content-length'])).toBeGreaterThan(10);
    expect(received).toBe(10);
    expect(res.complete).toBe(false);
    expect(ended).toBe(false);
    portal.closeAllSockets();
    await closed;
    expect(ended).toBe(false);
    expect(res.complete).toBe(false);
  });

  it('stall-headers: reads the request and never answers; the server stays up for others', async () => {
    const portal = await start();
    portal.behave('health', { kind: 'stall-headers' });
    const exchange = send(`${portal.url}/health`);
    let responded = false;
    void exchange.response.then(() => (responded = true));
    const [record] = await portal.waitForRequests('health', 1);
    expect(await record?.written).toBe('silent');
    expect((await postJson(`${portal.url}/auth/token`, { clientId: 'a', clientSecret: 'b' })).status).toBe(200);
    expect(responded).toBe(false);
    portal.closeAllSockets();
    expect((await exchange.failed).code).toBe('ECONNRESET');
    expect(responded).toBe(false);
  });

  it('drip: the whole answer one byte at a time, status line first; stops when the client goes', async () => {
    const portal = await start({ states: [{ code: 'BR', name: 'Bihar', available: true }] });
    portal.behave('health', { kind: 'drip', intervalMs: 1 });
    const socket = connect(portal.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await once(socket, 'close');
    const text = Buffer.concat(chunks).toString('utf8');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]?.length).toBeLessThan(text.length);
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(contract('Health', JSON.parse(body))).toEqual([]);
    expect(await portal.requests[0]?.written).toBe('complete');

    const quitter = connect(portal.port, '127.0.0.1');
    quitter.once('data', () => quitter.destroy());
    quitter.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const [, second] = await portal.waitForRequests('health', 2);
    expect(await second?.written).toBe('aborted');
  });

  it('drip from the body: the headers come at once, the body byte by byte', async () => {
    const portal = await start({ states: [{ code: 'BR', name: 'Bihar', available: true }] });
    portal.behave('health', { kind: 'drip', intervalMs: 1, from: 'body' });
    const res = await send(`${portal.url}/health`).response;
    let events = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res) {
      events++;
      chunks.push(chunk as Buffer);
    }
    expect(events).toBeGreaterThan(1);
    expect(contract('Health', JSON.parse(Buffer.concat(chunks).toString('utf8')))).toEqual([]);
  });

  it('close-on-connect (server-wide): connections are closed before a byte is read; off again, all is well', async () => {
    const portal = await start();
    portal.closeOnConnect(true);
    const socket = connect(portal.port, '127.0.0.1');
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => {});
    await once(socket, 'close');
    expect(received).toBe(0);
    await expect(fetch(`${portal.url}/health`)).rejects.toThrow(TypeError);

    portal.closeOnConnect(true, 'reset');
    const reset = connect(portal.port, '127.0.0.1');
    const [error] = (await once(reset, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
    await portal.waitForConnections(3);
    expect(portal.requests).toHaveLength(0);

    portal.closeOnConnect(false);
    expect((await fetch(`${portal.url}/health`)).status).toBe(200);
  });

  it('reset (per route): drops the connection after reading; with commit the registration exists and a resend is a replay', async () => {
    const portal = await start({ requireAuth: false });
    portal.behave('create', { kind: 'reset', commit: true });
    const exchange = send(`${portal.url}/registrations`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': KEY }, body: JSON.stringify(registrationBody) });
    expect((await exchange.failed).code).toBe('ECONNRESET');
    expect(portal.registrations.size).toBe(1);
    portal.behave('create', { kind: 'ok' });
    const resend = await postJson(`${portal.url}/registrations`, registrationBody, { 'Idempotency-Key': KEY });
    expect([resend.status, resend.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(portal.registrations.size).toBe(1);
  });

  it('error: any status, any code string, any extra headers, exactly as asked', async () => {
    const portal = await start();
    const longCode = 'c'.repeat(10_000);
    const retryAfters = ['1', '31536000', '10000000000000', '1e13', 'NaN', '-5', 'Wed, 25 Nov 2026 16:00:00 GMT', 'r'.repeat(5_000)];
    for (const [i, code] of ['__proto__', 'constructor', 'toString', '', longCode].entries()) {
      const retryAfter = retryAfters[i] ?? '1';
      portal.behave('health', { kind: 'error', status: 429, code, headers: { 'Retry-After': retryAfter, 'X-Extra': ['one', 'two'] } });
      const answer = await whole(send(`${portal.url}/health`));
      expect(answer.status).toBe(429);
      expect(answer.headers['retry-after']).toBe(retryAfter);
      expect(answer.rawHeaders.filter((_, j) => j % 2 === 0 && answer.rawHeaders[j] === 'X-Extra')).toHaveLength(2);
      const parsed = JSON.parse(answer.text) as { error: Record<string, unknown> };
      expect(Object.keys(parsed.error)).toEqual(['code', 'message']);
      expect(parsed.error.code).toBe(code);
      expect(contract('Error', parsed)).toEqual([]);
    }
    for (const retryAfter of retryAfters.slice(5)) {
      portal.behave('create', { kind: 'error', status: 503, code: 'portal_unavailable', headers: { 'Retry-After': retryAfter } });
      const answer = await whole(send(`${portal.url}/registrations`, { method: 'POST', body: '{}' }));
      expect([answer.status, answer.headers['retry-after']]).toEqual([503, retryAfter]);
    }
    // Two Retry-After headers at once.
    portal.behave('health', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': ['1', '31536000'] } });
    const twice = await whole(send(`${portal.url}/health`));
    expect(twice.rawHeaders.filter((h) => h.toLowerCase() === 'retry-after')).toHaveLength(2);
  });

  it('wrong-credentials: token and refresh refused, every bearer expired, health still up', async () => {
    const portal = await start();
    const { accessToken, refreshToken } = await token(portal);
    portal.behave('*', { kind: 'wrong-credentials' });
    const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await codeOf(await postJson(`${portal.url}/auth/token`, { clientId: 'desk-07', clientSecret: 's' }))).toEqual([401, 'invalid_credentials']);
    expect(await codeOf(await postJson(`${portal.url}/auth/refresh`, { refreshToken }))).toEqual([401, 'invalid_credentials']);
    expect(await codeOf(await fetch(`${portal.url}/registrations/x`, { headers: { Authorization: `Bearer ${accessToken}` } }))).toEqual([401, 'token_expired']);
    expect((await fetch(`${portal.url}/health`)).status).toBe(200);
    expect(portal.tokensIssued).toBe(1);
  });

  it('redirect, garbage and huge headers', async () => {
    const portal = await start();
    portal.behave('health', { kind: 'redirect' });
    const loop = await fetch(`${portal.url}/health`, { redirect: 'manual' });
    expect([loop.status, loop.headers.get('location')]).toEqual([307, `${portal.url}/health`]);
    portal.behave('health', { kind: 'redirect', status: 308, location: 'https://login.example.invalid/sso' });
    const away = await fetch(`${portal.url}/health`, { redirect: 'manual' });
    expect([away.status, away.headers.get('location')]).toEqual([308, 'https://login.example.invalid/sso']);

    portal.behave('health', { kind: 'garbage' });
    const html = await fetch(`${portal.url}/health`);
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    await expect(html.json()).rejects.toThrow(SyntaxError);
    portal.behave('health', { kind: 'garbage', body: '{"status":"ok","time":42}', contentType: 'application/json' });
    const offContract = await (await fetch(`${portal.url}/health`)).json();
    expect(contract('Health', offContract)).not.toEqual([]);

    portal.behave('health', { kind: 'huge-headers', shape: 'one-big' });
    expect((await send(`${portal.url}/health`).failed).code).toBe('HPE_HEADER_OVERFLOW');
    const big = await whole(send(`${portal.url}/health`, { maxHeaderSize: 128 * 1024 }));
    expect(big.headers['x-hostile-padding']).toHaveLength(60_000);
    expect(contract('Health', JSON.parse(big.text))).toEqual([]);
    portal.behave('health', { kind: 'huge-headers', shape: 'many', count: 400 });
    const many = await whole(send(`${portal.url}/health`));
    expect(many.rawHeaders.filter((h, j) => j % 2 === 0 && h.startsWith('X-Hostile-'))).toHaveLength(400);
    expect(contract('Health', JSON.parse(many.text))).toEqual([]);
  });
});

describe('hostile portal: TLS', () => {
  it('expired: the certificate really ended in the past, and Node refuses it with CERT_HAS_EXPIRED, trusted or not', async () => {
    const portal = await start({ tls: 'expired' });
    expect(portal.url.startsWith('https://127.0.0.1:')).toBe(true);
    const ca = portal.ca ?? '';
    expect(Date.parse(new X509Certificate(ca).validTo)).toBeLessThan(Date.now());
    expect((await send(`${portal.url}/health`).failed).code).toBe('CERT_HAS_EXPIRED');
    expect((await send(`${portal.url}/health`, { ca }).failed).code).toBe('CERT_HAS_EXPIRED');
    const viaFetch = await fetch(`${portal.url}/health`).catch((error: unknown) => error as { cause?: { code?: string } });
    expect(viaFetch).toMatchObject({ cause: { code: 'CERT_HAS_EXPIRED' } });
    expect(portal.requests).toHaveLength(0);
  });

  it('valid-self-signed: refused without the CA, served with it', async () => {
    const portal = await start({ tls: 'valid-self-signed' });
    const ca = portal.ca ?? '';
    expect(Date.parse(new X509Certificate(ca).validTo)).toBeGreaterThan(Date.now());
    expect((await send(`${portal.url}/health`).failed).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const trusted = await whole(send(`${portal.url}/health`, { ca }));
    expect(trusted.status).toBe(200);
    expect(contract('Health', JSON.parse(trusted.text))).toEqual([]);
    portal.behave('health', { kind: 'stall-mid-body' });
    const res = await send(`${portal.url}/health`, { ca }).response;
    res.on('error', () => {});
    const [, stalled] = await portal.waitForRequests('health', 2);
    expect(await stalled?.written).toBe('stalled');
    expect(res.complete).toBe(false);
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../base/clock';
import { sleep } from '../../base/scheduler';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { z } from 'zod';
import type { Logger } from '../../logging/logger';
import { attr, child, parseXml } from '../../base/xml';
import { AuthInitRequest, AuthVerifyRequest, RegistrationRequest, SearchQuery, type Registration } from '../schemas';
import { generateFamilies, prng, registrableMembers, SIM_STATES, type SimFamily, type SimMember } from './data';
import { NO_FAULTS, parseFaults, type Faults } from './faults';

export interface SimulatorOptions {
  port: number;
  seed?: number;
  /** After this long without a pre-authorisation, an active registration is cancelled (the field report's 4 hours). */
  lifetimeMs?: number;
  faults?: string;
  /** The portal rejects PID blocks older than this (UIDAI error 561; threshold not published). */
  pidMaxAgeMs?: number;
  log?: Logger;
  now?: Clock;
}

/** One registration as the simulator recorded it: the proof of exactly-once delivery. */
export interface AcceptedRegistration {
  registrationId: string;
  registrationNumber: string;
  idempotencyKey: string;
  clientReference: string;
  beneficiaryId: string;
  kind: string;
  createdAt: string;
  /** How many requests carried this key (1 = first delivery only; more = safe replays). */
  deliveries: number;
}

export interface SimulatorState {
  accepted: AcceptedRegistration[];
  /** Registrations created twice for one client reference under different keys: must stay 0. */
  duplicates: number;
  requests: Record<string, number>;
  faults: Faults;
}

export interface PortalSimulator {
  port: number;
  url: string;
  families: SimFamily[];
  setFaults(spec: string): Faults;
  state(): SimulatorState;
  /** The portal raises pre-authorisation (stops the cancellation clock) or cancels, as real staff would. */
  setStatus(registrationId: string, status: Registration['status']): void;
  close(): Promise<void>;
}

interface Stored {
  record: AcceptedRegistration;
  requestHash: string;
  status: Registration['status'];
  expiresAt: number;
  cancelledReason?: string;
}

const MAX_BODY = 256 * 1024;
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
};
const apiError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}, field?: string) =>
  json(res, status, { error: { code, message, ...(field ? { field } : {}) } }, headers);

/**
 * A real HTTP server implementing docs/portal-api.yaml on loopback, with seeded synthetic
 * beneficiaries and the field failures switchable at run time. It deduplicates on
 * Idempotency-Key and records every accepted registration, so tests can prove exactly-once.
 */
export async function startPortalSimulator(options: SimulatorOptions): Promise<PortalSimulator> {
  const seed = options.seed ?? 1;
  const now = options.now ?? systemClock;
  const lifetimeMs = options.lifetimeMs ?? 4 * 3_600_000;
  const pidMaxAgeMs = options.pidMaxAgeMs ?? 60 * 60_000;
  const log = options.log;
  const families = generateFamilies(seed);
  const members = new Map<string, { member: SimMember; family: SimFamily }>();
  for (const family of families) for (const member of family.members) members.set(member.beneficiaryId, { member, family });
  const random = prng(seed ^ 0x5eed);
  let faults = options.faults ? parseFaults(options.faults) : structuredClone(NO_FAULTS);

  const tokens = new Map<string, number>(); // access token -> expiry (ms)
  const refreshTokens = new Set<string>();
  const transactions = new Map<string, { beneficiaryId: string; authMode: string; verified: boolean | null; pidHash?: string; answer?: { verified: boolean; reason?: string } }>();
  const seenPids = new Map<string, string>(); // pid hash -> transaction id
  const byKey = new Map<string, Stored>();
  const byId = new Map<string, Stored>();
  const byClientReference = new Map<string, string>();
  let duplicates = 0;
  let sequence = 0;
  const requests: Record<string, number> = {};
  const sockets = new Set<Socket>();

  const refreshStatus = (stored: Stored) => {
    if (stored.status === 'active' && now().getTime() >= stored.expiresAt) {
      stored.status = 'cancelled';
      stored.cancelledReason = 'Cancelled by the portal: no pre-authorisation within the registration lifetime';
    }
  };
  const view = (stored: Stored): Registration => {
    refreshStatus(stored);
    return {
      registrationId: stored.record.registrationId,
      registrationNumber: stored.record.registrationNumber,
      status: stored.status,
      createdAt: stored.record.createdAt,
      expiresAt: new Date(stored.expiresAt).toISOString(),
      ...(stored.cancelledReason ? { cancelledReason: stored.cancelledReason } : {}),
    };
  };

  function issueToken() {
    const accessToken = randomBytes(18).toString('base64url');
    const refreshToken = randomBytes(18).toString('base64url');
    tokens.set(accessToken, now().getTime() + faults.tokenTtlS * 1000);
    refreshTokens.add(refreshToken);
    return { accessToken, expiresIn: Math.max(1, faults.tokenTtlS), refreshToken };
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? {} : JSON.parse(text);
  }

  function validate<S extends z.ZodType>(res: ServerResponse, schema: S, value: unknown): z.output<S> | null {
    const checked = schema.safeParse(value);
    if (checked.success) return checked.data;
    const issue = checked.error.issues[0];
    apiError(res, 400, 'validation_failed', issue?.message ?? 'invalid', {}, issue?.path.join('.'));
    return null;
  }

  /** The decoded PID block's capture time (DeviceInfo additional_info ts), when it has one. */
  function pidCheck(base64: string): { ok: boolean; reason?: string; hash: string } {
    const hash = createHash('sha256').update(base64).digest('hex');
    try {
      const root = parseXml(Buffer.from(base64, 'base64').toString('utf8'));
      const resp = child(root, 'resp');
      if (root.name !== 'piddata' || attr(resp, 'errCode') !== '0') return { ok: false, reason: 'no-match', hash };
      const info = child(root, 'deviceinfo');
      const ts = info ? child(info, 'additional_info')?.children.find((p) => attr(p, 'name') === 'ts') : undefined;
      const captured = ts ? Date.parse(attr(ts, 'value') ?? '') : NaN;
      if (Number.isFinite(captured) && now().getTime() - captured > pidMaxAgeMs) return { ok: false, reason: 'pid-too-old', hash };
      if (Number.isFinite(captured) && captured - now().getTime() > 5 * 60_000) return { ok: false, reason: 'pid-future', hash };
      return { ok: true, hash };
    } catch {
      return { ok: false, reason: 'no-match', hash };
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/health' && req.method === 'GET') {
      const states = Object.entries(SIM_STATES).map(([code, { name }]) => ({ code, name, available: !faults.statesMissing.includes(code) }));
      return json(res, 200, { status: faults.statesMissing.length ? 'degraded' : 'ok', time: now().toISOString(), states });
    }
    if (path === '/auth/token' && req.method === 'POST') {
      const body = (await readJson(req)) as { clientId?: unknown; clientSecret?: unknown };
      if (typeof body.clientId !== 'string' || typeof body.clientSecret !== 'string' || !body.clientId || !body.clientSecret)
        return apiError(res, 401, 'invalid_credentials', 'client id and secret are required');
      if (faults.credentialsRefused) return apiError(res, 401, 'invalid_credentials', 'this desk\'s credentials are not accepted');
      return json(res, 200, issueToken());
    }
    if (path === '/auth/refresh' && req.method === 'POST') {
      const body = (await readJson(req)) as { refreshToken?: unknown };
      if (typeof body.refreshToken !== 'string' || !refreshTokens.delete(body.refreshToken)) return apiError(res, 401, 'invalid_credentials', 'unknown refresh token');
      return json(res, 200, issueToken());
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer ? tokens.get(bearer) : undefined;
    if (expiry === undefined || faults.credentialsRefused) return apiError(res, 401, 'invalid_credentials', 'a bearer token is required');
    if (expiry <= now().getTime()) return apiError(res, 401, 'token_expired', 'the token has expired');

    if (path === '/beneficiaries/search' && req.method === 'GET') {
      const query = validate(res, SearchQuery, Object.fromEntries(url.searchParams));
      if (!query) return;
      if (faults.statesMissing.includes(query.state)) return apiError(res, 503, 'state_unavailable', `state ${query.state} is not available right now`);
      const lower = (s?: string) => s?.toLowerCase();
      const found = families
        .filter((f) => f.state === query.state)
        .filter((f) => !query.rationCard || f.rationCard === query.rationCard)
        .filter((f) => !query.district || lower(f.district) === lower(query.district))
        .filter((f) =>
          f.members.some(
            (m) =>
              (!query.pmjayId || m.beneficiaryId === query.pmjayId) &&
              (!query.mobile || m.mobile === query.mobile) &&
              (!query.aadhaarLast4 || m.aadhaar.endsWith(query.aadhaarLast4)) &&
              (!query.name || lower(m.name)!.includes(lower(query.name)!)),
          ),
        )
        .slice(0, 20)
        .map((f) => ({
          familyId: f.familyId,
          state: f.state,
          district: f.district,
          rationCard: f.rationCard,
          members: f.members.map((m) => ({ beneficiaryId: m.beneficiaryId, name: m.name, gender: m.gender, yearOfBirth: m.yearOfBirth, relation: m.relation, status: m.status, aadhaarLast4: m.aadhaar.slice(-4), mobileLast4: m.mobile.slice(-4) })),
        }));
      return json(res, 200, { families: found });
    }

    if (path === '/biometric/auth/init' && req.method === 'POST') {
      const body = validate(res, AuthInitRequest, await readJson(req));
      if (!body) return;
      if (!members.has(body.beneficiaryId)) return apiError(res, 422, 'beneficiary_not_found', 'no such beneficiary');
      const transactionId = randomUUID();
      transactions.set(transactionId, { beneficiaryId: body.beneficiaryId, authMode: body.authMode, verified: null });
      const mobile = members.get(body.beneficiaryId)!.member.mobile;
      return json(res, 200, { transactionId, ...(body.authMode === 'OTP' ? { otpSentTo: `XXXXXX${mobile.slice(-4)}` } : {}) });
    }
    if (path === '/biometric/auth/verify' && req.method === 'POST') {
      const body = validate(res, AuthVerifyRequest, await readJson(req));
      if (!body) return;
      const txn = transactions.get(body.transactionId);
      if (!txn) return apiError(res, 422, 'verification_failed', 'unknown transaction');
      const pid = body.fingerPrintAuthPid ?? body.irisAuthPid ?? body.faceAuthPid;
      let answer: { verified: boolean; reason?: string };
      if (pid) {
        const checked = pidCheck(pid);
        // The same transaction sent again answers the same (safe to retry); a PID block reused in another transaction is UIDAI's 563.
        if (txn.answer && txn.pidHash === checked.hash) return json(res, 200, txn.answer);
        const usedBy = seenPids.get(checked.hash);
        answer = usedBy && usedBy !== body.transactionId ? { verified: false, reason: 'duplicate' } : checked.ok ? { verified: true } : { verified: false, reason: checked.reason };
        seenPids.set(checked.hash, body.transactionId);
        txn.pidHash = checked.hash;
      } else if (body.otp) answer = body.otp === '123456' ? { verified: true } : { verified: false, reason: 'wrong-otp' };
      else return apiError(res, 400, 'validation_failed', 'a PID block or an OTP is required');
      txn.verified = answer.verified;
      txn.answer = answer;
      return json(res, 200, answer);
    }

    if (path === '/registrations' && req.method === 'POST') {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !/^[0-9a-f-]{36}$/i.test(key)) return apiError(res, 400, 'validation_failed', 'Idempotency-Key header (a UUID) is required', {}, 'Idempotency-Key');
      const raw = await readJson(req);
      const body = validate(res, RegistrationRequest, raw);
      if (!body) return;
      const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const seen = byKey.get(key);
      if (seen) {
        if (seen.requestHash !== requestHash) return apiError(res, 422, 'idempotency_mismatch', 'this Idempotency-Key was used with another request');
        seen.record.deliveries++;
        return json(res, 200, view(seen), { 'Idempotent-Replayed': 'true' });
      }
      if (faults.statesMissing.includes(body.state)) return apiError(res, 503, 'state_unavailable', `state ${body.state} is not available right now`);
      const found = members.get(body.beneficiaryId);
      if (!found) return apiError(res, 422, 'beneficiary_not_found', 'no such beneficiary', {}, 'beneficiaryId');
      if (found.member.admittedElsewhere) return apiError(res, 409, 'admitted_elsewhere', 'admitted in another hospital and not discharged');
      if (now().getTime() - Date.parse(body.admittedAt) > 5 * 86_400_000) return apiError(res, 422, 'backdate_limit', 'admission more than 5 days ago', {}, 'admittedAt');
      const method = body.verification.method;
      if (method === 'CONFIRMED_WITHOUT_BIOMETRIC') {
        if (!body.verification.confirmedBy) return apiError(res, 422, 'verification_failed', 'who confirmed continuing without biometrics?', {}, 'verification.confirmedBy');
      } else {
        const txn = body.verification.transactionId ? transactions.get(body.verification.transactionId) : undefined;
        if (!txn?.verified) return apiError(res, 422, 'verification_failed', 'no successful verification for this registration', {}, 'verification.transactionId');
      }
      const existing = byClientReference.get(body.clientReference);
      if (existing && existing !== key) duplicates++;
      byClientReference.set(body.clientReference, key);
      const createdAt = now();
      const prefix = body.kind === 'IP' ? 'IP' : body.kind === 'OP' ? 'OP' : 'CR';
      const stored: Stored = {
        record: {
          registrationId: randomUUID(),
          registrationNumber: `${prefix}${body.state}${String(++sequence).padStart(8, '0')}`,
          idempotencyKey: key,
          clientReference: body.clientReference,
          beneficiaryId: body.beneficiaryId,
          kind: body.kind,
          createdAt: createdAt.toISOString(),
          deliveries: 1,
        },
        requestHash,
        status: 'active',
        expiresAt: createdAt.getTime() + lifetimeMs,
      };
      byKey.set(key, stored);
      byId.set(stored.record.registrationId, stored);
      return json(res, 201, view(stored));
    }
    const match = /^\/registrations\/([^/]+)(\/cancel)?$/.exec(path);
    if (match) {
      const stored = byId.get(decodeURIComponent(match[1]!));
      if (!stored) return apiError(res, 404, 'not_found', 'no such registration');
      if (match[2] && req.method === 'POST') {
        stored.status = 'cancelled';
        stored.cancelledReason = String(((await readJson(req)) as { reason?: unknown }).reason ?? 'cancelled by the hospital');
        return json(res, 200, view(stored));
      }
      if (!match[2] && req.method === 'GET') return json(res, 200, view(stored));
    }
    return apiError(res, 404, 'not_found', `no route ${req.method} ${path}`);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/__sim/state' && req.method === 'GET') return json(res, 200, snapshot());
    if (path === '/__sim/faults' && req.method === 'POST') {
      const body = (await readJson(req)) as { spec?: unknown };
      try {
        return json(res, 200, setFaults(typeof body.spec === 'string' ? body.spec : 'none'));
      } catch (error) {
        return apiError(res, 400, 'invalid_faults', (error as Error).message);
      }
    }
    if (path === '/__sim/beneficiaries' && req.method === 'GET') {
      const list = registrableMembers(families, url.searchParams.get('state') ?? undefined).slice(0, Number(url.searchParams.get('limit') ?? 50));
      return json(res, 200, list.map(({ aadhaar: _aadhaar, ...rest }) => rest));
    }
    const status = /^\/__sim\/registrations\/([^/]+)\/status$/.exec(path);
    if (status && req.method === 'POST') {
      const body = (await readJson(req)) as { status?: Registration['status'] };
      const stored = byId.get(decodeURIComponent(status[1]!));
      if (!stored || !body.status) return apiError(res, 404, 'not_found', 'no such registration');
      stored.status = body.status;
      return json(res, 200, view(stored));
    }
    return apiError(res, 404, 'not_found', 'no such control');
  }

  function setFaults(spec: string): Faults {
    faults = parseFaults(spec, spec.trim() === 'none' ? NO_FAULTS : faults);
    log?.info(`portal simulator faults: ${spec}`);
    return faults;
  }

  function snapshot(): SimulatorState {
    for (const stored of byId.values()) refreshStatus(stored);
    return { accepted: [...byKey.values()].map((s) => ({ ...s.record })), duplicates, requests: { ...requests }, faults: structuredClone(faults) };
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const run = async () => {
      if (path.startsWith('/__sim/')) return control(req, res, path, url);
      // Every request that reaches the portal is counted, whatever the faults do to it.
      const route = `${req.method} ${path.replace(/^\/registrations\/[^/]+/, '/registrations/:id')}`;
      requests[route] = (requests[route] ?? 0) + 1;
      if (faults.outage) {
        req.socket.destroy();
        return;
      }
      if (faults.timeout) return; // accepted, never answered
      if (faults.slowMs > 0) await sleep(faults.slowMs);
      if (faults.rateLimit.remaining > 0) {
        faults.rateLimit.remaining--;
        return apiError(res, 429, 'rate_limited', 'too many requests', { 'Retry-After': String(faults.rateLimit.retryAfterS) });
      }
      if (faults.errorBurst > 0 || (faults.errorRate > 0 && random() < faults.errorRate)) {
        if (faults.errorBurst > 0) faults.errorBurst--;
        return apiError(res, 503, 'portal_unavailable', 'the portal is temporarily unavailable');
      }
      if (faults.malformedRate > 0 && random() < faults.malformedRate) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('<html><body>Gateway says hello</body></html>');
        return;
      }
      return api(req, res, path, url);
    };
    run().catch((error: unknown) => {
      if (!res.headersSent) apiError(res, 400, 'validation_failed', (error as Error).message);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log?.info(`portal simulator listening on http://127.0.0.1:${port} (seed ${seed}, lifetime ${Math.round(lifetimeMs / 1000)} s)`);

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    families,
    setFaults,
    state: snapshot,
    setStatus: (registrationId, status) => {
      const stored = byId.get(registrationId);
      if (stored) stored.status = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../base/clock';
import type { Registration, RegistrationRequest, SearchQuery } from '../schemas';
import { generateFamilies, prng, type SimFamily, type SimMember } from './data';
import { NO_FAULTS, parseFaults, type Faults } from './faults';
import { checkPid } from './pid-check';

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

export interface VerifyAnswer {
  verified: boolean;
  reason?: string;
}

interface Transaction {
  beneficiaryId: string;
  authMode: string;
  verified: boolean | null;
  pidHash?: string;
  answer?: VerifyAnswer;
}

interface Stored {
  record: AcceptedRegistration;
  requestHash: string;
  status: Registration['status'];
  expiresAt: number;
  cancelledReason?: string;
}

export interface SimStateOptions {
  seed: number;
  now: Clock;
  lifetimeMs: number;
  pidMaxAgeMs: number;
  faults?: string;
}

/** Everything the simulator remembers, and the only code that changes it; HTTP lives in the routes. */
export class SimState {
  readonly families: SimFamily[];
  readonly now: Clock;
  private currentFaults: Faults;
  private readonly lifetimeMs: number;
  private readonly pidMaxAgeMs: number;
  private readonly members = new Map<string, { member: SimMember; family: SimFamily }>();
  private readonly random: () => number;
  private readonly tokens = new Map<string, number>(); // access token -> expiry (ms)
  private readonly refreshTokens = new Set<string>();
  private readonly transactions = new Map<string, Transaction>();
  private readonly seenPids = new Map<string, string>(); // pid hash -> transaction id
  private readonly byKey = new Map<string, Stored>();
  private readonly byId = new Map<string, Stored>();
  private readonly byClientReference = new Map<string, string>();
  private duplicates = 0;
  private sequence = 0;
  private readonly requests: Record<string, number> = {};

  constructor(options: SimStateOptions) {
    this.now = options.now;
    this.lifetimeMs = options.lifetimeMs;
    this.pidMaxAgeMs = options.pidMaxAgeMs;
    this.families = generateFamilies(options.seed);
    for (const family of this.families) for (const member of family.members) this.members.set(member.beneficiaryId, { member, family });
    this.random = prng(options.seed ^ 0x5eed);
    this.currentFaults = options.faults ? parseFaults(options.faults) : structuredClone(NO_FAULTS);
  }

  // --- faults and accounting ---

  /** The live switches; the fault gate reads them per request, so a change applies to the next one. */
  get faults(): Faults {
    return this.currentFaults;
  }

  setFaults(spec: string): Faults {
    this.currentFaults = parseFaults(spec, spec.trim() === 'none' ? NO_FAULTS : this.currentFaults);
    return this.currentFaults;
  }

  isStateMissing(state: string): boolean {
    return this.currentFaults.statesMissing.includes(state);
  }

  /** Every request that reaches the portal is counted, whatever the faults do to it. */
  countRequest(method: string | undefined, path: string): void {
    const route = `${method} ${path.replace(/^\/registrations\/[^/]+/, '/registrations/:id')}`;
    this.requests[route] = (this.requests[route] ?? 0) + 1;
  }

  /** Retry-After seconds when this request is rate-limited (one of the 429 budget used), else null. */
  takeRateLimit(): number | null {
    const { rateLimit } = this.currentFaults;
    if (rateLimit.remaining <= 0) return null;
    rateLimit.remaining--;
    return rateLimit.retryAfterS;
  }

  /** Does this request answer 503: the burst first, then the share (the PRNG is drawn only for the share). */
  takeServerError(): boolean {
    const faults = this.currentFaults;
    if (faults.errorBurst > 0 || (faults.errorRate > 0 && this.random() < faults.errorRate)) {
      if (faults.errorBurst > 0) faults.errorBurst--;
      return true;
    }
    return false;
  }

  takeMalformed(): boolean {
    return this.currentFaults.malformedRate > 0 && this.random() < this.currentFaults.malformedRate;
  }

  snapshot(): SimulatorState {
    for (const stored of this.byId.values()) this.refreshStatus(stored);
    return { accepted: [...this.byKey.values()].map((s) => ({ ...s.record })), duplicates: this.duplicates, requests: { ...this.requests }, faults: structuredClone(this.currentFaults) };
  }

  // --- tokens ---

  issueToken(): { accessToken: string; expiresIn: number; refreshToken: string } {
    const accessToken = randomBytes(18).toString('base64url');
    const refreshToken = randomBytes(18).toString('base64url');
    this.tokens.set(accessToken, this.now().getTime() + this.currentFaults.tokenTtlS * 1000);
    this.refreshTokens.add(refreshToken);
    return { accessToken, expiresIn: Math.max(1, this.currentFaults.tokenTtlS), refreshToken };
  }

  /** A refresh token works once. */
  redeemRefreshToken(token: string): boolean {
    return this.refreshTokens.delete(token);
  }

  /** When the access token expires (ms); undefined for a token never issued. */
  tokenExpiry(token: string): number | undefined {
    return this.tokens.get(token);
  }

  // --- beneficiaries and verification ---

  member(beneficiaryId: string): { member: SimMember; family: SimFamily } | undefined {
    return this.members.get(beneficiaryId);
  }

  /** Families matching every given criterion, at most 20 (the portal's page). */
  search(query: SearchQuery): SimFamily[] {
    const lower = (s?: string) => s?.toLowerCase();
    return this.families
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
      .slice(0, 20);
  }

  startTransaction(beneficiaryId: string, authMode: string): string {
    const transactionId = randomUUID();
    this.transactions.set(transactionId, { beneficiaryId, authMode, verified: null });
    return transactionId;
  }

  hasTransaction(transactionId: string): boolean {
    return this.transactions.has(transactionId);
  }

  isVerified(transactionId: string | undefined): boolean {
    return (transactionId ? this.transactions.get(transactionId) : undefined)?.verified === true;
  }

  /** UIDAI's answer for a known transaction; null when neither a PID block nor an OTP was given. */
  verify(transactionId: string, proof: { pid?: string; otp?: string }): VerifyAnswer | null {
    const txn = this.transactions.get(transactionId)!;
    let answer: VerifyAnswer;
    if (proof.pid) {
      const checked = checkPid(proof.pid, this.now().getTime(), this.pidMaxAgeMs);
      // The same transaction sent again answers the same (safe to retry); a PID block reused in another transaction is UIDAI's 563.
      if (txn.answer && txn.pidHash === checked.hash) return txn.answer;
      const usedBy = this.seenPids.get(checked.hash);
      answer = usedBy && usedBy !== transactionId ? { verified: false, reason: 'duplicate' } : checked.ok ? { verified: true } : { verified: false, reason: checked.reason };
      this.seenPids.set(checked.hash, transactionId);
      txn.pidHash = checked.hash;
    } else if (proof.otp) answer = proof.otp === '123456' ? { verified: true } : { verified: false, reason: 'wrong-otp' };
    else return null;
    txn.verified = answer.verified;
    txn.answer = answer;
    return answer;
  }

  // --- registrations ---

  /** A resend under a known key: the first answer again (one more delivery), 'mismatch' for another body, undefined for a new key. */
  replay(key: string, requestHash: string): Registration | 'mismatch' | undefined {
    const seen = this.byKey.get(key);
    if (!seen) return undefined;
    if (seen.requestHash !== requestHash) return 'mismatch';
    seen.record.deliveries++;
    return this.view(seen);
  }

  /** Records a new registration under its key; a second key for one client reference counts as a duplicate. */
  register(key: string, body: RegistrationRequest, requestHash: string): Registration {
    const existing = this.byClientReference.get(body.clientReference);
    if (existing && existing !== key) this.duplicates++;
    this.byClientReference.set(body.clientReference, key);
    const createdAt = this.now();
    const prefix = body.kind === 'IP' ? 'IP' : body.kind === 'OP' ? 'OP' : 'CR';
    const stored: Stored = {
      record: {
        registrationId: randomUUID(),
        registrationNumber: `${prefix}${body.state}${String(++this.sequence).padStart(8, '0')}`,
        idempotencyKey: key,
        clientReference: body.clientReference,
        beneficiaryId: body.beneficiaryId,
        kind: body.kind,
        createdAt: createdAt.toISOString(),
        deliveries: 1,
      },
      requestHash,
      status: 'active',
      expiresAt: createdAt.getTime() + this.lifetimeMs,
    };
    this.byKey.set(key, stored);
    this.byId.set(stored.record.registrationId, stored);
    return this.view(stored);
  }

  hasRegistration(registrationId: string): boolean {
    return this.byId.has(registrationId);
  }

  registration(registrationId: string): Registration | undefined {
    const stored = this.byId.get(registrationId);
    return stored && this.view(stored);
  }

  cancel(registrationId: string, reason: string): Registration | undefined {
    const stored = this.byId.get(registrationId);
    if (!stored) return undefined;
    stored.status = 'cancelled';
    stored.cancelledReason = reason;
    return this.view(stored);
  }

  /** The portal's staff raising pre-authorisation, cancelling or discharging; false for an unknown registration. */
  setStatus(registrationId: string, status: Registration['status']): boolean {
    const stored = this.byId.get(registrationId);
    if (stored) stored.status = status;
    return stored !== undefined;
  }

  private refreshStatus(stored: Stored): void {
    if (stored.status === 'active' && this.now().getTime() >= stored.expiresAt) {
      stored.status = 'cancelled';
      stored.cancelledReason = 'Cancelled by the portal: no pre-authorisation within the registration lifetime';
    }
  }

  private view(stored: Stored): Registration {
    this.refreshStatus(stored);
    return {
      registrationId: stored.record.registrationId,
      registrationNumber: stored.record.registrationNumber,
      status: stored.status,
      createdAt: stored.record.createdAt,
      expiresAt: new Date(stored.expiresAt).toISOString(),
      ...(stored.cancelledReason ? { cancelledReason: stored.cancelledReason } : {}),
    };
  }
}

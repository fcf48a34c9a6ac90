import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Message } from '../../shared/contract/common';
import type { LinkFinding } from '../health/monitor';
import type { LinkId } from '../../shared/contract/health';
import type { Logger } from '../logging/logger';
import type { PortalClient } from '../portal/client';
import { PortalError } from '../portal/errors';
import type { StoredPayload } from '../queue/payload';
import { guarded, inTransaction, type Db } from '../storage/database';
import { openPid } from '../storage/pid-vault';
import { appendAudit } from '../storage/sql/audit';
import { claimDue, expirePids, makeAllDue, markNeedsAction, markRegistered, markRetry, nextDueAt, pendingCount, recordAttempt, setState, type DueEntry } from '../storage/sql/queue';
import { fullJitter } from './backoff';
import { CircuitBreaker } from './breaker';
import { classify } from './classify';
import { acquireLease, releaseLease } from './lease';

export interface SyncSettings {
  concurrency: number;
  baseDelayMs: number;
  maxDelayMs: number;
  breakerThreshold: number;
  probeMs: number;
  maxProbeMs: number;
  /** How long the portal keeps an unattended registration (the watchdog's deadline). */
  lifetimeMs: number;
  /** The sync lease's lifetime; renewed every third of it while the engine works. */
  leaseTtlMs?: number;
}

export interface SyncDeps {
  db: Db;
  client: PortalClient;
  pidKey: Buffer;
  settings: SyncSettings;
  hospitalState: string;
  log: Logger;
  /** Link findings for the health strip (network, portal, state). */
  report?: (link: LinkId, finding: LinkFinding) => void;
  /** Something in the queue changed (for queue.changed). */
  onChange?: () => void;
  now?: () => Date;
  random?: () => number;
}

export type PortalLinkState = 'online' | 'offline' | 'probing' | 'unknown';

const m = (key: string, params: Message['params'] = {}): Message => ({ key, params });
const DEFAULT_LEASE_TTL_MS = 30_000;

/**
 * Delivers the outbox: due entries in priority order with bounded concurrency, each exactly once
 * thanks to its Idempotency-Key; failures classified into retry (backoff with full jitter, or
 * Retry-After) or needs-action; a circuit breaker that stops traffic during an outage, probes
 * /health, and on recovery makes the whole backlog due at once.
 */
export class SyncEngine {
  readonly breaker: CircuitBreaker;
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private ticking: Promise<void> | null = null;
  private link: PortalLinkState = 'unknown';
  private lastStateReported: string | null = null;
  private leaseTimer: NodeJS.Timeout | undefined;
  private leased = false;

  constructor(private readonly deps: SyncDeps) {
    this.breaker = new CircuitBreaker({ threshold: deps.settings.breakerThreshold, probeMs: deps.settings.probeMs, maxProbeMs: deps.settings.maxProbeMs });
  }

  private get leaseTtl(): number {
    return this.deps.settings.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  get portalLink(): PortalLinkState {
    return this.breaker.state === 'open' ? (this.link === 'probing' ? 'probing' : 'offline') : this.link;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.all(this.inFlight.values());
    clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
    guarded(this.deps.db, () => releaseLease(this.deps.db, this.holder));
    this.leased = false;
  }

  /**
   * Take or renew the data directory's sync lease. While this engine works (deliveries in flight,
   * or the app's loop running) a timer keeps renewing it, so a long delivery can never outlive it
   * and let a second engine send the same entry.
   */
  holdLease(): boolean {
    const { db } = this.deps;
    this.leased = guarded(db, () => acquireLease(db, this.holder, this.leaseTtl, this.now()));
    if (this.leased && !this.leaseTimer) {
      this.leaseTimer = setInterval(() => {
        if (!this.running && this.inFlight.size === 0) {
          clearInterval(this.leaseTimer);
          this.leaseTimer = undefined;
          return;
        }
        if (!guarded(db, () => acquireLease(db, this.holder, this.leaseTtl, this.now()))) this.deps.log.error('sync lease lost while working (was this process frozen?)');
      }, this.leaseTtl / 3);
      this.leaseTimer.unref?.();
    }
    return this.leased;
  }

  /** Something new to send, or the operator pressed "retry now": look at once. */
  nudge(): void {
    if (this.running) this.schedule(0);
  }

  pending(): number {
    return guarded(this.deps.db, () => pendingCount(this.deps.db));
  }

  /**
   * One pass: delete expired PID blocks, probe when the circuit is open, otherwise start sending
   * due entries up to the concurrency limit. Resolves when the entries it started are done.
   */
  async runOnce(): Promise<{ started: number; leased: boolean }> {
    const pass = await this.startPass();
    await Promise.all(pass.work);
    return { started: pass.work.length, leased: pass.leased };
  }

  private async startPass(): Promise<{ work: Promise<void>[]; leased: boolean }> {
    const { db } = this.deps;
    const now = this.now();
    if (!this.holdLease()) return { work: [], leased: false };
    const expired = inTransaction(db, () => expirePids(db, now.toISOString(), m('sync.reason.pidExpired')));
    if (expired.length) {
      this.scrubFreedPages();
      this.deps.log.info(`${expired.length} buffered PID block(s) expired; those entries need the patient verified again`);
      this.changed();
    }
    if (this.breaker.state === 'open') {
      if (this.breaker.probeDue(now.getTime())) await this.probe();
      if (this.breaker.state === 'open') return { work: [], leased: true };
    }
    const free = this.deps.settings.concurrency - this.inFlight.size;
    if (free <= 0) return { work: [], leased: true };
    const claimed = inTransaction(db, () => claimDue(db, now.toISOString(), free, [...this.inFlight.keys()]));
    if (claimed.length) this.changed();
    const work = claimed.map((entry) => {
      const promise = this.deliver(entry).finally(() => this.inFlight.delete(entry.outboxId));
      this.inFlight.set(entry.outboxId, promise);
      return promise;
    });
    return { work, leased: true };
  }

  /** Keep passing until nothing is pending (for `mitra-desk sync --until-empty`). */
  async runUntilEmpty(deadline = Number.POSITIVE_INFINITY): Promise<number> {
    while (this.pending() > 0 && Date.now() < deadline) {
      const { started } = await this.runOnce();
      if (started === 0) await sleep(Math.min(this.msUntilNextWork(), 1_000));
    }
    return this.pending();
  }

  /** Ask the portal's /health; on a healthy answer close the circuit and make the backlog due now. */
  async probe(): Promise<boolean> {
    this.link = 'probing';
    const now = this.now();
    try {
      const health = await this.deps.client.health();
      this.report('network', { status: 'ok', messageKey: 'health.message.networkOk' });
      this.reportState(health.states.find((s) => s.code === this.deps.hospitalState)?.available ?? true);
      if (this.breaker.state === 'open') {
        this.breaker.close();
        const due = inTransaction(this.deps.db, () => makeAllDue(this.deps.db, this.now().toISOString()));
        this.deps.log.info(`portal is back; ${due} waiting entr${due === 1 ? 'y' : 'ies'} due at once`);
        this.changed();
      }
      this.link = 'online';
      this.report('portal', { status: health.status === 'ok' ? 'ok' : 'warn', messageKey: health.status === 'ok' ? 'health.message.portalOk' : 'health.message.portalDegraded' });
      return true;
    } catch (error) {
      this.breaker.probeFailed(now.getTime());
      this.link = 'offline';
      this.reportFailure(classify(error).link);
      return false;
    }
  }

  private async deliver(entry: DueEntry): Promise<void> {
    const { db, client, log } = this.deps;
    const started = this.now();
    const payload = JSON.parse(entry.payload) as StoredPayload;
    try {
      if (payload.buffered) {
        const failure = await this.verifyBuffered(entry, payload);
        if (failure) {
          inTransaction(db, () => {
            recordAttempt(db, { outboxId: entry.outboxId, at: this.iso(), outcome: 'needs-action', errorCode: 'verification', message: failure, durationMs: this.since(started) });
            markNeedsAction(db, entry.outboxId, failure, this.iso());
            appendAudit(db, { actor: 'sync', action: 'needs-action', subject: entry.registrationId, detail: { reason: failure.key } }, this.iso());
          });
          if (entry.pid) this.scrubFreedPages();
          this.changed();
          return;
        }
      }
      const registration = await client.createRegistration({ ...payload.request, clientReference: entry.registrationId }, entry.outboxId);
      const registeredAt = this.now();
      const at = registeredAt.toISOString();
      const expiresAt = registration.expiresAt ?? new Date(registeredAt.getTime() + this.deps.settings.lifetimeMs).toISOString();
      inTransaction(db, () => {
        recordAttempt(db, { outboxId: entry.outboxId, at, outcome: 'registered', httpStatus: 201, durationMs: this.since(started) });
        markRegistered(db, entry.outboxId, { portalRef: registration.registrationId, portalNumber: registration.registrationNumber, portalStatus: registration.status, registeredAt: at, expiresAt }, at);
        appendAudit(db, { actor: 'sync', action: 'registered', subject: entry.registrationId, detail: { number: registration.registrationNumber, attempts: entry.attempts } }, at);
        // A resend after a long outage can find the first delivery already cancelled by the portal: raise it now.
        if (registration.status === 'cancelled' && setState(db, entry.registrationId, 'cancelled-by-portal', at, { from: ['registered'] })) {
          appendAudit(db, { actor: 'sync', action: 'cancelled-by-portal', subject: entry.registrationId, detail: { number: registration.registrationNumber, reason: registration.cancelledReason ?? null } }, at);
        }
      });
      if (payload.buffered === null && entry.pid) this.scrubFreedPages();
      this.breaker.recordSuccess();
      this.link = 'online';
      this.report('network', { status: 'ok', messageKey: 'health.message.networkOk' });
      this.report('portal', { status: 'ok', messageKey: 'health.message.portalOk' });
      this.reportState(true);
      log.info(`delivered ${entry.registrationId.slice(0, 8)} as ${registration.registrationNumber} (attempt ${entry.attempts})`);
    } catch (error) {
      this.fail(entry, error, started);
    }
    this.changed();
  }

  /** Buffered authentication: init (its transaction id kept at once, so a crash retries the same one), then verify. */
  private async verifyBuffered(entry: DueEntry, payload: StoredPayload): Promise<Message | null> {
    const { db, client, pidKey } = this.deps;
    const buffered = payload.buffered!;
    if (!entry.pid) return m('sync.reason.pidMissing');
    if (entry.pidExpiresAt && entry.pidExpiresAt <= this.iso()) return m('sync.reason.pidExpired');
    let pidBase64: string;
    try {
      pidBase64 = openPid(entry.pid, pidKey, entry.outboxId, this.now()).toBase64();
    } catch {
      return m('sync.reason.pidMissing');
    }
    if (!buffered.transactionId) {
      const { transactionId } = await client.authInit({ beneficiaryId: payload.request.beneficiaryId, authMode: buffered.authMode, ...(buffered.familyMemberId ? { familyMemberId: buffered.familyMemberId } : {}) }, 'Registration');
      buffered.transactionId = transactionId;
      inTransaction(db, () => db.prepare('UPDATE registrations SET payload = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(payload), this.iso(), entry.registrationId));
    }
    const field = buffered.authMode === 'IRIS' ? 'irisAuthPid' : buffered.authMode === 'FACE' ? 'faceAuthPid' : 'fingerPrintAuthPid';
    const result = await client.authVerify({ transactionId: buffered.transactionId, [field]: pidBase64 });
    if (!result.verified) {
      const reason = result.reason === 'pid-too-old' ? 'sync.reason.pidTooOld' : result.reason === 'duplicate' ? 'sync.reason.pidDuplicate' : 'sync.reason.noMatch';
      return m(reason);
    }
    // Verified: the PID block has done its job and is deleted in the same transaction that records it.
    const done: StoredPayload = { request: { ...payload.request, verification: { ...payload.request.verification, transactionId: buffered.transactionId } }, buffered: null };
    inTransaction(db, () => {
      db.prepare('UPDATE registrations SET payload = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(done), this.iso(), entry.registrationId);
      db.prepare('UPDATE outbox SET pid_ciphertext = NULL, pid_iv = NULL, pid_tag = NULL, pid_expires_at = NULL, updated_at = ? WHERE id = ?').run(this.iso(), entry.outboxId);
      appendAudit(db, { actor: 'sync', action: 'verified-buffered', subject: entry.registrationId, detail: { mode: buffered.authMode } }, this.iso());
    });
    this.scrubFreedPages();
    payload.request = done.request;
    payload.buffered = null;
    return null;
  }

  /**
   * A PID block was just deleted: with secure_delete its old pages are zeroed in the database file,
   * and this truncates the WAL so no copy stays in the log either.
   */
  private scrubFreedPages(): void {
    try {
      this.deps.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      this.deps.log.warn('could not checkpoint the WAL after deleting a PID block', error instanceof Error ? error.message : error);
    }
  }

  private fail(entry: DueEntry, error: unknown, started: Date): void {
    const { db, log, settings } = this.deps;
    const verdict = classify(error);
    const at = this.iso();
    if (!(error instanceof PortalError)) log.error(`sending ${entry.registrationId.slice(0, 8)} failed unexpectedly`, error);
    inTransaction(db, () => {
      recordAttempt(db, { outboxId: entry.outboxId, at, outcome: verdict.action === 'retry' ? 'retry' : 'needs-action', httpStatus: verdict.httpStatus, errorCode: verdict.code, message: verdict.reason, durationMs: this.since(started) });
      if (verdict.action === 'needs-action') {
        markNeedsAction(db, entry.outboxId, verdict.reason, at);
        appendAudit(db, { actor: 'sync', action: 'needs-action', subject: entry.registrationId, detail: { reason: verdict.reason.key, status: verdict.httpStatus } }, at);
      } else {
        const delay = verdict.retryAfterMs ?? fullJitter(entry.attempts, settings.baseDelayMs, settings.maxDelayMs, this.deps.random);
        markRetry(db, entry.outboxId, new Date(this.now().getTime() + delay).toISOString(), verdict.reason, at);
      }
    });
    if (verdict.action === 'needs-action' && entry.pid) this.scrubFreedPages();
    if (verdict.link === 'state') this.reportState(false);
    else if (verdict.breaker) {
      this.reportFailure(verdict.link);
      if (this.breaker.recordFailure(this.now().getTime())) {
        this.link = 'offline';
        log.warn(`portal looks down after ${this.breaker.consecutiveFailures} failures in a row; sending stops, health probes start`);
      }
    } else if (verdict.httpStatus !== null) {
      // The portal answered: the network and the portal are up, whatever it thought of this entry.
      this.breaker.recordSuccess();
      this.report('network', { status: 'ok', messageKey: 'health.message.networkOk' });
    }
    log.info(`entry ${entry.registrationId.slice(0, 8)} attempt ${entry.attempts}: ${verdict.action} (${verdict.code})`);
  }

  /** Name the broken link: with the network down the portal cannot be judged; a portal that dropped us was reached. */
  private reportFailure(link: LinkId): void {
    if (link === 'network') {
      this.report('network', { status: 'down', messageKey: 'health.message.networkDown' });
      this.report('portal', { status: 'unknown', messageKey: 'health.message.portalUnchecked' });
    } else {
      this.report('portal', { status: 'down', messageKey: 'health.message.portalDown' });
      if (link === 'portal') this.report('network', { status: 'ok', messageKey: 'health.message.networkOk' });
    }
  }

  private reportState(available: boolean): void {
    const key = available ? 'ok' : 'down';
    if (key === this.lastStateReported && available) return;
    this.lastStateReported = key;
    this.report('state', available ? { status: 'ok', messageKey: 'health.message.stateOk', params: { state: this.deps.hospitalState } } : { status: 'down', messageKey: 'health.message.stateMissing', params: { state: this.deps.hospitalState } });
  }

  private report(link: LinkId, finding: LinkFinding): void {
    this.deps.report?.(link, finding);
  }

  private changed(): void {
    this.deps.onChange?.();
  }

  private msUntilNextWork(): number {
    const now = this.now().getTime();
    if (!this.leased) return 5_000; // another engine is sending from this data directory
    if (this.breaker.state === 'open') return Math.max(50, this.breaker.nextProbeAt - now);
    if (this.inFlight.size >= this.deps.settings.concurrency) return 60_000; // a finishing delivery looks again
    const next = guarded(this.deps.db, () => nextDueAt(this.deps.db, [...this.inFlight.keys()]));
    return next ? Math.max(50, Date.parse(next) - now) : 60_000;
  }

  /** The app's loop: start what is due, and look again as each delivery finishes or the next entry falls due. */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.ticking) return this.schedule(50);
      this.ticking = this.startPass()
        .then(({ work }) => {
          for (const promise of work) void promise.finally(() => this.running && this.schedule(0));
        })
        .catch((error: unknown) => this.deps.log.error('sync pass failed', error))
        .finally(() => {
          this.ticking = null;
          if (this.running) this.schedule(Math.min(this.msUntilNextWork(), 30_000));
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private since(start: Date): number {
    return this.now().getTime() - start.getTime();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

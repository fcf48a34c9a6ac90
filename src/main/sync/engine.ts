import { hostname } from 'node:os';
import { systemClock, type Clock } from '../base/clock';
import { message } from '../base/message';
import { randomBytes } from 'node:crypto';
import type { DeskHold, PortalLink } from '../../shared/contract/queue';
import { Scheduler, settleWithin, sleep, type Task } from '../base/scheduler';
import type { Logger } from '../logging/logger';
import type { PortalClient } from '../portal/client';
import { PortalError } from '../portal/errors';
import type { StoredPayload } from './payload';
import { guarded, inTransaction, type Db } from '../storage/database';
import { StoreError } from '../storage/errors';
import { appendAudit } from '../storage/sql/audit';
import { claimDue, expirePids, makeWaitingDue, markNeedsAction, markRegistered, markRetry, nextDueAt, pendingCount, type DueEntry } from '../storage/sql/outbox';
import { recordAttempt } from '../storage/sql/attempts';
import { setState } from '../storage/sql/registrations';
import { fullJitter } from './backoff';
import { CircuitBreaker } from './breaker';
import { verifyBuffered } from './buffered-auth';
import { classify, type DeskFault } from './classify';
import { DeskHolds } from './desk-holds';
import { acquireLease, releaseLease } from '../storage/sql/lease';
import { truncateWal } from '../storage/sql/maintenance';
import { LinkReports, type ReportLink } from './link-reports';

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
  /** How long `stop()` waits for deliveries in flight before leaving them to be resent (same key) at the next start. */
  stopGraceMs?: number;
}

export interface SyncDeps {
  db: Db;
  client: PortalClient;
  pidKey: Buffer;
  settings: SyncSettings;
  hospitalState: string;
  log: Logger;
  /** Link findings for the health strip (network, portal, state). */
  report?: ReportLink;
  /** The database failed (locked, full, unwritable) or works again (null): for the storage link. */
  onStoreProblem?: (problem: StoreError | null) => void;
  /** Something in the queue changed (for queue.changed). */
  onChange?: () => void;
  /** Runs the engine's timers; the app passes its own, whose error handler logs and reports. */
  scheduler?: Scheduler;
  now?: Clock;
  random?: () => number;
}


/** Why `runUntilEmpty` stopped with entries left. */
export type StopReason = 'deadline' | 'desk-fault' | 'outage' | 'lease' | 'storage';

const FAULT_WORDS: Record<DeskFault, string> = {
  credentials: 'the portal refuses the desk credentials',
  certificate: "the portal's certificate does not verify",
  redirect: 'the portal redirects elsewhere',
  address: "the portal address does not offer the portal's login",
};
const DEFAULT_LEASE_TTL_MS = 30_000;
const DEFAULT_STOP_GRACE_MS = 5_000;
/** After a database failure, wait this long before the next pass (the lock may be released, the disk cleared). */
const STORE_RETRY_MS = 2_000;

/**
 * Delivers the outbox: due entries in priority order with bounded concurrency, each exactly once
 * thanks to its Idempotency-Key; failures classified into retry (backoff with full jitter) or
 * needs-action. Three things hold the whole desk instead of one entry: a circuit breaker during an
 * outage (it probes /health and, on recovery, makes the backlog due at once), a 429's Retry-After,
 * and a desk-wide fault (credentials refused, certificate invalid, redirected) probed until fixed.
 */
export class SyncEngine {
  readonly breaker: CircuitBreaker;
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly scheduler: Scheduler;
  private readonly links: LinkReports;
  private timer: Task | undefined;
  private leaseTask: Task | undefined;
  private running = false;
  private ticking: Promise<void> | null = null;
  private link: PortalLink = 'unknown';
  private leased = false;
  private readonly holds: DeskHolds;
  private storeProblem: StoreError | null = null;
  private storeRetryAt = 0;
  /** Whether the current database problem has been reported (a first brief lock is not). */
  private storeReported = false;
  private failedProbes = 0;

  constructor(private readonly deps: SyncDeps) {
    this.breaker = new CircuitBreaker({ threshold: deps.settings.breakerThreshold, probeMs: deps.settings.probeMs, maxProbeMs: deps.settings.maxProbeMs });
    this.scheduler = deps.scheduler ?? new Scheduler((task, error) => deps.log.error(`${task} failed`, error));
    this.links = new LinkReports(deps.hospitalState, deps.report);
    this.holds = new DeskHolds(deps.settings);
  }

  private get leaseTtl(): number {
    return this.deps.settings.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  get portalLink(): PortalLink {
    if (this.holds.fault) return 'offline';
    return this.breaker.state === 'open' ? (this.link === 'probing' ? 'probing' : 'offline') : this.link;
  }

  /** What holds every entry back right now, if anything. */
  hold(): DeskHold | null {
    const fault = this.holds.fault;
    if (fault) return { reason: fault.fault, since: fault.since, until: null };
    if (this.breaker.state === 'open') return { reason: 'outage', since: null, until: null };
    const until = this.holds.rateLimited(this.now().getTime());
    return until ? { reason: 'rate-limited', since: null, until } : null;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stop sending; deliveries in flight get `stopGraceMs` to finish, then are left to be resent with the same key. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await settleWithin(Promise.allSettled([this.ticking, ...this.inFlight.values()]), this.deps.settings.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    if (this.inFlight.size) {
      this.deps.log.warn(`stopping with ${this.inFlight.size} delivery(ies) unanswered; they will be resent with the same key`);
      // End the calls instead of waiting out their timeouts: their sockets would keep the process alive.
      this.deps.client.abortAll();
      await settleWithin(Promise.allSettled([...this.inFlight.values()]), 1_000);
    }
    this.leaseTask?.cancel();
    this.leaseTask = undefined;
    try {
      guarded(this.deps.db, () => releaseLease(this.deps.db, this.holder));
    } catch (error) {
      this.deps.log.warn('could not release the sync lease (it expires by itself)', error);
    }
    this.leased = false;
  }

  /**
   * Take or renew the data directory's sync lease. While this engine works (deliveries in flight,
   * or the app's loop running) a task keeps renewing it, so a long delivery can never outlive it
   * and let a second engine send the same entry. A database failure never escapes: it is reported
   * (the storage link turns red), the lease counts as not held, and the next renewal tries again.
   */
  holdLease(): boolean {
    const { db } = this.deps;
    try {
      this.leased = guarded(db, () => acquireLease(db, this.holder, this.leaseTtl, this.now()));
      this.storeWorks();
    } catch (error) {
      this.storeFailed(error, 'taking the sync lease');
      this.leased = false;
      return false;
    }
    if (this.leased && !this.leaseTask) {
      this.leaseTask = this.scheduler.repeat('sync lease renewal', this.leaseTtl / 3, () => {
        if (!this.running && this.inFlight.size === 0) {
          this.leaseTask?.cancel();
          this.leaseTask = undefined;
          return;
        }
        const wasLeased = this.leased;
        if (!this.holdLease() && wasLeased && !this.storeProblem) this.deps.log.error('sync lease lost while working (was this process frozen?)');
      });
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
   * One pass: delete expired PID blocks, probe when the desk is held (outage or desk-wide fault),
   * otherwise start sending due entries up to the concurrency limit. Resolves when the entries it
   * started are done.
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
    try {
      const expired = inTransaction(db, () => expirePids(db, now.toISOString(), message('sync.reason.pidExpired')));
      if (expired.length) {
        this.scrubFreedPages();
        this.deps.log.info(`${expired.length} buffered PID block(s) expired; those entries need the patient verified again`);
        this.changed();
      }
    } catch (error) {
      this.storeFailed(error, 'deleting expired PID blocks');
      return { work: [], leased: true };
    }
    if (this.holds.fault) {
      if (this.holds.faultProbeDue(now.getTime())) await this.probeFault();
      if (this.holds.fault) return { work: [], leased: true };
    }
    if (this.breaker.state === 'open') {
      if (this.breaker.probeDue(now.getTime())) await this.probe();
      if (this.breaker.state === 'open') return { work: [], leased: true };
    }
    if (this.holds.rateLimited(now.getTime())) return { work: [], leased: true };
    const free = this.deps.settings.concurrency - this.inFlight.size;
    if (free <= 0) return { work: [], leased: true };
    let claimed: DueEntry[];
    try {
      claimed = inTransaction(db, () => claimDue(db, now.toISOString(), free, [...this.inFlight.keys()]));
    } catch (error) {
      this.storeFailed(error, 'claiming due entries');
      return { work: [], leased: true };
    }
    if (claimed.length) this.changed();
    const work = claimed.map((entry) => {
      const promise = this.deliver(entry)
        .catch((error: unknown) => this.storeFailed(error, `recording the outcome of ${entry.registrationId.slice(0, 8)}`))
        .finally(() => this.inFlight.delete(entry.outboxId));
      this.inFlight.set(entry.outboxId, promise);
      return promise;
    });
    return { work, leased: true };
  }

  /**
   * Keep passing until nothing is pending (for `mitra-desk sync --until-empty`), or until nothing
   * more can be done now: the deadline passed, a desk-wide fault or an outage holds the desk,
   * another engine holds the lease, or the database keeps failing. Says which.
   */
  async runUntilEmpty(deadline = Number.POSITIVE_INFINITY): Promise<{ left: number; stoppedBy: StopReason | null }> {
    const failedProbesBefore = this.failedProbes;
    for (;;) {
      let left: number;
      try {
        left = this.pending();
      } catch (error) {
        this.storeFailed(error, 'counting pending entries');
        return { left: -1, stoppedBy: 'storage' };
      }
      if (left === 0) return { left, stoppedBy: null };
      if (Date.now() >= deadline) return { left, stoppedBy: 'deadline' };
      const { started, leased } = await this.runOnce();
      const briefLock = this.storeProblem !== null && !this.storeReported;
      if (!leased && !briefLock) return { left, stoppedBy: this.storeProblem ? 'storage' : 'lease' };
      if (this.holds.fault) return { left, stoppedBy: 'desk-fault' };
      // An outage ends the run once a health probe has confirmed it, not at the first failures.
      if (this.breaker.state === 'open' && this.failedProbes > failedProbesBefore) return { left, stoppedBy: 'outage' };
      if (this.storeProblem && this.storeReported) return { left, stoppedBy: 'storage' };
      if (started === 0) await sleep(Math.min(this.msUntilNextWork(), 1_000, Math.max(0, deadline - Date.now())));
    }
  }

  /** Look again now whatever holds the desk (support says the fault is fixed; training restored the portal). */
  recheckNow(): void {
    if (this.holds.fault) {
      this.holds.probeNow();
      this.nudge();
    } else {
      this.scheduler.run('portal recheck', () => this.probe());
    }
  }

  /** Ask the portal's /health; on a healthy answer close the circuit and make the backlog due now. */
  async probe(): Promise<boolean> {
    this.link = 'probing';
    const now = this.now();
    try {
      const health = await this.deps.client.health();
      this.links.networkOk();
      this.links.state(health.states.find((s) => s.code === this.deps.hospitalState)?.available ?? true);
      if (this.breaker.state === 'open') {
        this.breaker.close();
        this.makeBacklogDue('portal is back');
      }
      this.link = 'online';
      if (!this.holds.fault) this.links.healthy(health.status);
      return true;
    } catch (error) {
      this.breaker.probeFailed(now.getTime());
      this.failedProbes++;
      this.link = 'offline';
      const verdict = classify(error);
      if (verdict.deskFault) this.enterFault(verdict.deskFault);
      else this.links.failure(verdict.link);
      return false;
    }
  }

  /** While a desk-wide fault holds: is it fixed? Health and a fresh token must both work. */
  private async probeFault(): Promise<void> {
    const fault = this.holds.fault!.fault;
    try {
      await this.deps.client.health();
      await this.deps.client.checkCredentials();
    } catch (error) {
      const verdict = classify(error);
      this.holds.faultProbeFailed(this.now().getTime());
      if (verdict.deskFault && verdict.deskFault !== fault) this.enterFault(verdict.deskFault);
      else if (verdict.deskFault) this.links.deskFault(fault);
      else this.links.failure(verdict.link);
      return;
    }
    this.deps.log.info(`the portal accepts this desk again (${fault} fixed); sending resumes`);
    this.holds.clearFault(this.now().getTime());
    this.breaker.close();
    this.link = 'online';
    this.links.delivered();
    this.makeBacklogDue('desk-wide fault cleared');
  }

  private enterFault(fault: DeskFault): void {
    const entered = this.holds.enterFault(fault, this.now());
    if (entered === 'new') this.deps.log.error(`sending stopped for the whole desk: ${FAULT_WORDS[fault]}; entries wait and resume once it is fixed`);
    if (entered !== 'same') this.changed();
    this.link = 'offline';
    this.links.deskFault(fault);
  }

  private makeBacklogDue(why: string): void {
    try {
      const due = inTransaction(this.deps.db, () => makeWaitingDue(this.deps.db, this.now().toISOString()));
      this.deps.log.info(`${why}; ${due} waiting entr${due === 1 ? 'y' : 'ies'} due at once`);
    } catch (error) {
      this.storeFailed(error, 'making the backlog due');
    }
    this.changed();
  }

  private async deliver(entry: DueEntry): Promise<void> {
    const { db, client, log } = this.deps;
    const started = this.now();
    const payload = JSON.parse(entry.payload) as StoredPayload;
    try {
      if (payload.buffered) {
        const failure = await verifyBuffered({ db, client, pidKey: this.deps.pidKey, now: () => this.now() }, entry, payload);
        // Verified: the PID block was deleted with the verification; no copy stays in the WAL.
        if (!payload.buffered) this.scrubFreedPages();
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
      // The portal's own expiry when it gives one (already UTC); otherwise the field report's lifetime,
      // except for card requests, which the portal never cancels.
      const expiresAt = registration.expiresAt ?? (entry.kind === 'card' ? null : new Date(registeredAt.getTime() + this.deps.settings.lifetimeMs).toISOString());
      const cancelledReason = registration.cancelledReason ?? null;
      inTransaction(db, () => {
        recordAttempt(db, { outboxId: entry.outboxId, at, outcome: 'registered', httpStatus: 201, durationMs: this.since(started) });
        markRegistered(db, entry.outboxId, { portalRef: registration.registrationId, portalNumber: registration.registrationNumber, portalStatus: registration.status, registeredAt: at, expiresAt, cancelledReason }, at);
        appendAudit(db, { actor: 'sync', action: 'registered', subject: entry.registrationId, detail: { number: registration.registrationNumber, attempts: entry.attempts } }, at);
        // A resend after a long outage can find the first delivery already cancelled by the portal: raise it now.
        if (registration.status === 'cancelled' && setState(db, entry.registrationId, 'cancelled-by-portal', at, { from: ['registered'] })) {
          appendAudit(db, { actor: 'sync', action: 'cancelled-by-portal', subject: entry.registrationId, detail: { number: registration.registrationNumber, reason: cancelledReason } }, at);
        }
      });
      this.storeWorks();
      this.breaker.recordSuccess();
      this.link = 'online';
      this.links.delivered();
      log.info(`delivered ${entry.registrationId.slice(0, 8)} as ${registration.registrationNumber} (attempt ${entry.attempts})`);
    } catch (error) {
      if (error instanceof StoreError) throw error; // the outcome could not be recorded: the entry stays `sending`, resent with its key
      this.fail(entry, error, started);
    }
    this.changed();
  }

  /** A PID block was just deleted: leave no copy of it in free pages or the WAL. */
  private scrubFreedPages(): void {
    try {
      truncateWal(this.deps.db);
    } catch (error) {
      this.deps.log.warn('could not checkpoint the WAL after deleting a PID block', error instanceof Error ? error.message : error);
    }
  }

  private fail(entry: DueEntry, error: unknown, started: Date): void {
    const { db, log, settings } = this.deps;
    const verdict = classify(error);
    const now = this.now();
    const at = now.toISOString();
    if (!(error instanceof PortalError)) log.error(`sending ${entry.registrationId.slice(0, 8)} failed unexpectedly`, error);
    let nextAttemptAt = now.getTime() + fullJitter(entry.attempts, settings.baseDelayMs, settings.maxDelayMs, this.deps.random);
    if (verdict.deskFault) nextAttemptAt = now.getTime(); // waits behind the fault, then goes first
    if (verdict.httpStatus === 429) nextAttemptAt = this.holdForRateLimit(verdict.retryAfterMs ?? fullJitter(entry.attempts, settings.baseDelayMs, settings.maxDelayMs, this.deps.random));
    inTransaction(db, () => {
      recordAttempt(db, { outboxId: entry.outboxId, at, outcome: verdict.action === 'retry' ? 'retry' : 'needs-action', httpStatus: verdict.httpStatus, errorCode: verdict.code, message: verdict.reason, durationMs: this.since(started) });
      if (verdict.action === 'needs-action') {
        markNeedsAction(db, entry.outboxId, verdict.reason, at);
        appendAudit(db, { actor: 'sync', action: 'needs-action', subject: entry.registrationId, detail: { reason: verdict.reason.key, status: verdict.httpStatus } }, at);
      } else {
        markRetry(db, entry.outboxId, new Date(nextAttemptAt).toISOString(), verdict.reason, at);
      }
    });
    this.storeWorks();
    if (verdict.action === 'needs-action' && entry.pid) this.scrubFreedPages();
    if (verdict.deskFault) this.enterFault(verdict.deskFault);
    else if (verdict.link === 'state') this.links.state(false);
    else if (verdict.breaker) {
      this.links.failure(verdict.link);
      if (this.breaker.recordFailure(now.getTime())) {
        this.link = 'offline';
        log.warn(`portal looks down after ${this.breaker.consecutiveFailures} failures in a row; sending stops, health probes start`);
      }
    } else if (verdict.httpStatus !== null) {
      // The portal answered: the network and the portal are up, whatever it thought of this entry.
      this.breaker.recordSuccess();
      this.links.networkOk();
    }
    if (verdict.httpStatus !== 429) log.info(`entry ${entry.registrationId.slice(0, 8)} attempt ${entry.attempts}: ${verdict.action} (${verdict.code})`);
  }

  /**
   * The portal said 429 (to a delivery, or to the watchdog): the whole desk waits as long as it
   * asked, at least MIN_RATE_LIMIT_MS and at most our own longest backoff. Returns when sending resumes.
   */
  holdForRateLimit(askedMs: number): number {
    const { until, started, extended, waitMs } = this.holds.holdForRateLimit(askedMs, this.now().getTime());
    if (started) this.deps.log.warn(`portal asked the desk to slow down; sending waits ${Math.round(waitMs / 1000)} s`);
    if (extended) this.changed();
    return until;
  }

  /** A database failure: never thrown out of a timer; reported once per problem, and the next pass waits a little. */
  private storeFailed(error: unknown, doing: string): void {
    this.storeRetryAt = this.now().getTime() + STORE_RETRY_MS;
    if (!(error instanceof StoreError)) {
      this.deps.log.error(`sync: ${doing} failed`, error);
      return;
    }
    const first = this.storeProblem?.problem !== error.problem;
    this.storeProblem = error;
    // A lock held a moment by another program (a paper import, say) is retried quietly once;
    // only a lock that is still there at the next try turns the storage link red.
    if (first && error.problem === 'locked') return;
    if (first || (error.problem === 'locked' && !this.storeReported)) this.deps.log.error(`sync: ${doing} failed: ${error.message}; nothing committed is lost, trying again`);
    this.storeReported = true;
    this.deps.onStoreProblem?.(error);
  }

  private storeWorks(): void {
    if (!this.storeProblem) return;
    if (this.storeReported) this.deps.log.info('the database works again');
    this.storeProblem = null;
    this.storeReported = false;
    this.deps.onStoreProblem?.(null);
  }

  private changed(): void {
    this.deps.onChange?.();
  }

  private msUntilNextWork(): number {
    const now = this.now().getTime();
    if (this.storeRetryAt > now) return this.storeRetryAt - now;
    if (!this.leased) return 5_000; // another engine is sending from this data directory
    const held = this.holds.msUntilChange(now);
    if (this.holds.fault) return held!;
    if (this.breaker.state === 'open') return Math.max(50, this.breaker.nextProbeAt - now);
    if (held !== null) return held;
    if (this.inFlight.size >= this.deps.settings.concurrency) return 60_000; // a finishing delivery looks again
    try {
      const next = guarded(this.deps.db, () => nextDueAt(this.deps.db, [...this.inFlight.keys()]));
      return next ? Math.max(50, Date.parse(next) - now) : 60_000;
    } catch (error) {
      this.storeFailed(error, 'looking for the next due entry');
      return STORE_RETRY_MS;
    }
  }

  /** The app's loop: start what is due, and look again as each delivery finishes or the next entry falls due. */
  private schedule(delayMs: number): void {
    this.timer?.cancel();
    this.timer = this.scheduler.after('sync pass', delayMs, () => {
      if (this.ticking) return this.schedule(50);
      this.ticking = this.startPass()
        .then(({ work }) => {
          for (const promise of work) void promise.finally(() => this.running && this.schedule(0));
        })
        .catch((error: unknown) => this.storeFailed(error, 'a sync pass'))
        .finally(() => {
          this.ticking = null;
          if (this.running) this.schedule(Math.min(this.msUntilNextWork(), 30_000));
        });
    });
  }

  private now(): Date {
    return (this.deps.now ?? systemClock)();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private since(start: Date): number {
    return this.now().getTime() - start.getTime();
  }
}

import { Scheduler, type Task } from '../base/scheduler';
import { systemClock, type Clock } from '../base/clock';
import type { Logger } from '../logging/logger';
import type { PortalClient } from '../portal/client';
import { PortalError } from '../portal/errors';
import { guarded, inTransaction, type Db } from '../storage/database';
import { appendAudit } from '../storage/sql/audit';
import { setState, updatePortalStatus, watched } from '../storage/sql/registrations';

export interface WatchdogDeps {
  db: Db;
  client: PortalClient;
  log: Logger;
  /** Skip polling while the portal is known to be down. */
  portalDown: () => boolean;
  /** Only the engine holding the data directory's sync lease watches (one watchdog per desk). */
  holdsLease: () => boolean;
  onChange?: () => void;
  /** The portal answered 429: the whole desk (sender and watchdog) waits as it asked. */
  onRateLimited?: (retryAfterMs: number) => void;
  /** A registration the portal cancelled: raise it at once. */
  onCancelled?: (registrationId: string) => void;
  /** Runs the polling timer; the app passes its own, whose error handler logs and reports. */
  scheduler?: Scheduler;
  now?: Clock;
}

/**
 * Watches accepted registrations until the portal moves them on (pre-authorisation raised,
 * discharged). The portal's status is the truth: when it says cancelled, the registration is
 * marked cancelled-by-portal and raised for a one-action re-submit.
 */
export class RegistrationWatchdog {
  private task: Task | undefined;
  private running: Promise<number> | null = null;
  /** Registrations whose status failed, said once each rather than at every poll. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: WatchdogDeps,
    private readonly pollMs: number,
  ) {}

  start(): void {
    const scheduler = this.deps.scheduler ?? new Scheduler((task, error) => this.deps.log.error(`${task} failed`, error));
    this.task = scheduler.repeat('registration watchdog', this.pollMs, () => this.pollOnce(), { firstAfterMs: Math.min(this.pollMs, 5_000) });
  }

  stop(): void {
    this.task?.cancel();
  }

  /** Ask the portal about every watched registration once; returns how many it found cancelled. */
  pollOnce(): Promise<number> {
    this.running ??= this.poll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async poll(): Promise<number> {
    const { db, client, log } = this.deps;
    if (this.deps.portalDown() || !this.deps.holdsLease()) return 0;
    let cancelled = 0;
    for (const registration of guarded(db, () => watched(db))) {
      let status: string;
      let reason: string | null;
      try {
        const answer = await client.getRegistration(registration.portalRef!);
        status = answer.status;
        reason = answer.cancelledReason ?? null;
      } catch (error) {
        if (!(error instanceof PortalError) || error.kind !== 'http') return cancelled; // portal unreachable: try again next round
        if (error.status === 429) {
          this.deps.onRateLimited?.(error.retryAfterMs ?? 0);
          return cancelled;
        }
        if (error.portalCode === 'not_found') {
          // The portal no longer knows it: for the patient that is a cancellation, raised for a re-submit.
          status = 'cancelled';
          reason = null;
        } else {
          if (!this.warned.has(registration.id)) log.warn(`status of ${registration.id.slice(0, 8)} unavailable`, error.message);
          this.warned.add(registration.id);
          continue;
        }
      }
      if (status === registration.portalStatus) continue;
      const at = ((this.deps.now ?? systemClock)()).toISOString();
      const raised = inTransaction(db, () => {
        updatePortalStatus(db, registration.id, status, reason, at);
        if (status === 'cancelled') {
          // Only a registration still registered here: never one already re-submitted or resolved.
          if (!setState(db, registration.id, 'cancelled-by-portal', at, { from: ['registered'] })) return false;
          appendAudit(db, { actor: 'watchdog', action: 'cancelled-by-portal', subject: registration.id, detail: { number: registration.portalNumber, reason } }, at);
          return true;
        }
        appendAudit(db, { actor: 'watchdog', action: 'portal-status', subject: registration.id, detail: { status } }, at);
        return false;
      });
      if (raised) {
        cancelled++;
        log.warn(`portal cancelled registration ${registration.portalNumber} (${registration.id.slice(0, 8)})`);
        this.deps.onCancelled?.(registration.id);
      }
      this.deps.onChange?.();
    }
    return cancelled;
  }
}

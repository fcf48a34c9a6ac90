import type { Message } from '../../../shared/contract/common';
import type { RegistrationKind } from '../../../shared/contract/queue';
import type { Db } from '../database';
import type { SealedPid } from '../pid-vault';

/*
 * The outbox: one entry per registration to send, keyed by the UUID sent as Idempotency-Key.
 * Every transition names the states it may leave, so a late answer can never overwrite what an
 * operator or another step decided meanwhile; the sender's transitions leave `sending` only, and
 * each moves the entry's registration with it.
 */

export const PRIORITY: Record<RegistrationKind, number> = { inpatient: 0, outpatient: 1, card: 2 };

/** The columns that hold a buffered PID block, cleared together (here and in the backup copy). */
export const CLEAR_PID = 'pid_ciphertext = NULL, pid_iv = NULL, pid_tag = NULL, pid_expires_at = NULL';

export interface NewOutboxEntry {
  id: string;
  registrationId: string;
  patientId: string;
  kind: RegistrationKind;
  pid?: { sealed: SealedPid; expiresAt: string };
}

export function insertOutbox(db: Db, o: NewOutboxEntry, at: string): void {
  db.prepare(
    `INSERT INTO outbox (id, seq, registration_id, patient_id, priority, state, next_attempt_at, pid_ciphertext, pid_iv, pid_tag, pid_expires_at, created_at, updated_at)
     VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(o.id, o.registrationId, o.patientId, PRIORITY[o.kind], at, o.pid?.sealed.ciphertext ?? null, o.pid?.sealed.iv ?? null, o.pid?.sealed.tag ?? null, o.pid?.expiresAt ?? null, at, at);
}

/** An outbox entry as the sync engine sees it. */
export interface DueEntry {
  outboxId: string;
  registrationId: string;
  kind: RegistrationKind;
  attempts: number;
  payload: string;
  pid: SealedPid | null;
  pidExpiresAt: string | null;
}

interface DueRow {
  outbox_id: string;
  registration_id: string;
  kind: RegistrationKind;
  attempts: number;
  payload: string;
  pid_ciphertext: Buffer | null;
  pid_iv: Buffer | null;
  pid_tag: Buffer | null;
  pid_expires_at: string | null;
}

/**
 * Claim due entries for sending, in one transaction with the caller: inpatient before outpatient
 * before card, oldest first, and never a patient's later entry while an earlier one of theirs is
 * still on its way. Claimed entries are marked `sending` with their attempt counted, so a killed
 * process leaves them to be sent again, with the same key, at the next start.
 */
export function claimDue(db: Db, now: string, limit: number, exclude: readonly string[] = []): DueEntry[] {
  const rows = db
    .prepare<[string, string, number], DueRow>(
      `SELECT o.id AS outbox_id, o.registration_id, r.kind, o.attempts, r.payload, o.pid_ciphertext, o.pid_iv, o.pid_tag, o.pid_expires_at
         FROM outbox o JOIN registrations r ON r.id = o.registration_id
        WHERE o.state IN ('queued', 'sending') AND o.next_attempt_at <= ?
          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.patient_id = o.patient_id AND p.seq < o.seq AND p.state IN ('queued', 'sending'))
          AND o.id NOT IN (SELECT value FROM json_each(?))
        ORDER BY o.priority, o.seq
        LIMIT ?`,
    )
    .all(now, JSON.stringify(exclude), limit);
  const mark = db.prepare(`UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`);
  const markRegistration = db.prepare(`UPDATE registrations SET state = 'sending', updated_at = ? WHERE id = ?`);
  return rows.map((row) => {
    mark.run(now, row.outbox_id);
    markRegistration.run(now, row.registration_id);
    return {
      outboxId: row.outbox_id,
      registrationId: row.registration_id,
      kind: row.kind,
      attempts: row.attempts + 1,
      payload: row.payload,
      pid: row.pid_ciphertext && row.pid_iv && row.pid_tag ? { ciphertext: row.pid_ciphertext, iv: row.pid_iv, tag: row.pid_tag } : null,
      pidExpiresAt: row.pid_expires_at,
    };
  });
}

/** When the next entry not already being sent becomes due (for the engine's timer). */
export function nextDueAt(db: Db, exclude: readonly string[] = []): string | null {
  return (
    db
      .prepare<[string], { at: string | null }>(
        `SELECT MIN(o.next_attempt_at) AS at FROM outbox o WHERE o.state IN ('queued', 'sending') AND o.id NOT IN (SELECT value FROM json_each(?))
          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.patient_id = o.patient_id AND p.seq < o.seq AND p.state IN ('queued', 'sending'))`,
      )
      .get(JSON.stringify(exclude))?.at ?? null
  );
}

/** Outbox entries holding a buffered PID block. */
export function heldPidCount(db: Db): number {
  return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE pid_ciphertext IS NOT NULL').get()?.n ?? 0;
}

export function pendingCount(db: Db): number {
  return db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE state IN ('queued', 'sending')`).get()?.n ?? 0;
}

export function oldestPendingAt(db: Db): string | null {
  return db.prepare<[], { at: string | null }>(`SELECT MIN(created_at) AS at FROM outbox WHERE state IN ('queued', 'sending')`).get()?.at ?? null;
}

/** The outbox entry behind a registration. */
export interface OutboxEntry {
  id: string;
  state: 'queued' | 'sending' | 'done' | 'needs-action';
  attempts: number;
  nextAttemptAt: string;
}

export function outboxFor(db: Db, registrationId: string): OutboxEntry | undefined {
  return db
    .prepare<[string], OutboxEntry>('SELECT id, state, attempts, next_attempt_at AS nextAttemptAt FROM outbox WHERE registration_id = ?')
    .get(registrationId);
}

/** The buffered PID block has done its job (verified): delete it. */
export function clearBufferedPid(db: Db, outboxId: string, at: string): void {
  db.prepare(`UPDATE outbox SET ${CLEAR_PID}, updated_at = ? WHERE id = ?`).run(at, outboxId);
}

/** Every entry that waits is due at `at` (a desk-wide hold ended). */
export function makeWaitingDue(db: Db, at: string): number {
  return db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'queued' AND next_attempt_at > ?`).run(at, at).changes;
}

export interface PortalAcceptance {
  portalRef: string;
  portalNumber: string | null;
  portalStatus: string;
  registeredAt: string;
  /** Null when the portal gives none and the kind never expires (card requests). */
  expiresAt: string | null;
  cancelledReason: string | null;
}

/** Delivered: the outbox entry is done and its PID block deleted in the same statement. */
export function markRegistered(db: Db, outboxId: string, accepted: PortalAcceptance, at: string): boolean {
  if (db.prepare(`UPDATE outbox SET state = 'done', ${CLEAR_PID}, updated_at = ? WHERE id = ? AND state = 'sending'`).run(at, outboxId).changes === 0) return false;
  db.prepare(
    `UPDATE registrations SET state = 'registered', portal_ref = ?, portal_number = ?, portal_status = ?, registered_at = ?, expires_at = ?, cancelled_reason = ?, last_error = NULL, updated_at = ?
      WHERE id = (SELECT registration_id FROM outbox WHERE id = ?) AND state = 'sending'`,
  ).run(accepted.portalRef, accepted.portalNumber, accepted.portalStatus, accepted.registeredAt, accepted.expiresAt, accepted.cancelledReason, at, outboxId);
  return true;
}

/** Not delivered this time: back to queued with its next attempt time and the reason. */
export function markRetry(db: Db, outboxId: string, nextAttemptAt: string, reason: Message, at: string): boolean {
  if (db.prepare(`UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'sending'`).run(nextAttemptAt, at, outboxId).changes === 0) return false;
  db.prepare(`UPDATE registrations SET state = 'queued', last_error = ?, updated_at = ? WHERE id = (SELECT registration_id FROM outbox WHERE id = ?) AND state = 'sending'`).run(
    JSON.stringify(reason),
    at,
    outboxId,
  );
  return true;
}

/** A permanent problem the operator must act on; any buffered PID block is deleted. */
export function markNeedsAction(db: Db, outboxId: string, reason: Message, at: string): boolean {
  if (db.prepare(`UPDATE outbox SET state = 'needs-action', ${CLEAR_PID}, updated_at = ? WHERE id = ? AND state IN ('sending', 'queued')`).run(at, outboxId).changes === 0) return false;
  db.prepare(
    `UPDATE registrations SET state = 'needs-action', last_error = ?, updated_at = ? WHERE id = (SELECT registration_id FROM outbox WHERE id = ?) AND state IN ('sending', 'queued')`,
  ).run(JSON.stringify(reason), at, outboxId);
  return true;
}

/** Retry now: a waiting or needs-action entry goes back to the front of its line (guarded by state). */
export function requeueNow(db: Db, registrationId: string, at: string): void {
  db.prepare(`UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ? WHERE registration_id = ? AND state IN ('queued', 'needs-action')`).run(at, at, registrationId);
  db.prepare(`UPDATE registrations SET state = 'queued', updated_at = ? WHERE id = ? AND state IN ('queued', 'needs-action')`).run(at, registrationId);
}

/**
 * Buffered PID blocks past their hold time, on entries waiting (not in flight: the sender checks
 * expiry itself): delete them, and send the entry to the operator.
 */
export function expirePids(db: Db, at: string, reason: Message): string[] {
  const expired = db.prepare<[string], { id: string }>(`SELECT id FROM outbox WHERE pid_ciphertext IS NOT NULL AND pid_expires_at <= ? AND state = 'queued'`).all(at);
  for (const { id } of expired) markNeedsAction(db, id, reason, at);
  return expired.map((e) => e.id);
}

import type { Message } from '../../../shared/contract/common';
import type { RegistrationKind, RegistrationState } from '../../../shared/contract/queue';
import type { Db } from '../database';
import type { SealedPid } from '../pid-vault';

export const PRIORITY: Record<RegistrationKind, number> = { inpatient: 0, outpatient: 1, card: 2 };

export interface NewRegistration {
  id: string;
  patientId: string;
  kind: RegistrationKind;
  hospitalCode: string;
  hospitalState: string;
  admittedAt: string;
  payload: object;
  resubmittedFrom?: string;
}

export interface NewOutboxEntry {
  id: string;
  registrationId: string;
  patientId: string;
  kind: RegistrationKind;
  pid?: { sealed: SealedPid; expiresAt: string };
}

export function insertRegistration(db: Db, r: NewRegistration, at: string): void {
  db.prepare(
    `INSERT INTO registrations (id, patient_id, kind, state, hospital_code, hospital_state, admitted_at, payload, resubmitted_from, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.id, r.patientId, r.kind, r.hospitalCode, r.hospitalState, r.admittedAt, JSON.stringify(r.payload), r.resubmittedFrom ?? null, at, at);
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

/**
 * Claim due entries for sending, in one transaction with the caller: inpatient before outpatient
 * before card, oldest first, and never a patient's later entry while an earlier one of theirs is
 * still on its way. Claimed entries are marked `sending` with their attempt counted, so a killed
 * process leaves them to be sent again, with the same key, at the next start.
 */
export function claimDue(db: Db, now: string, limit: number, exclude: readonly string[] = []): DueEntry[] {
  const rows = db
    .prepare(
      `SELECT o.id AS outboxId, o.registration_id AS registrationId, r.kind AS kind, o.attempts AS attempts, r.payload AS payload,
              o.pid_ciphertext AS ciphertext, o.pid_iv AS iv, o.pid_tag AS tag, o.pid_expires_at AS pidExpiresAt
         FROM outbox o JOIN registrations r ON r.id = o.registration_id
        WHERE o.state IN ('queued', 'sending') AND o.next_attempt_at <= ?
          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.patient_id = o.patient_id AND p.seq < o.seq AND p.state IN ('queued', 'sending'))
          AND o.id NOT IN (SELECT value FROM json_each(?))
        ORDER BY o.priority, o.seq
        LIMIT ?`,
    )
    .all(now, JSON.stringify(exclude), limit) as {
    outboxId: string;
    registrationId: string;
    kind: RegistrationKind;
    attempts: number;
    payload: string;
    ciphertext: Buffer | null;
    iv: Buffer | null;
    tag: Buffer | null;
    pidExpiresAt: string | null;
  }[];
  const mark = db.prepare(`UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`);
  const markRegistration = db.prepare(`UPDATE registrations SET state = 'sending', updated_at = ? WHERE id = ?`);
  return rows.map((row) => {
    mark.run(now, row.outboxId);
    markRegistration.run(now, row.registrationId);
    return {
      outboxId: row.outboxId,
      registrationId: row.registrationId,
      kind: row.kind,
      attempts: row.attempts + 1,
      payload: row.payload,
      pid: row.ciphertext && row.iv && row.tag ? { ciphertext: row.ciphertext, iv: row.iv, tag: row.tag } : null,
      pidExpiresAt: row.pidExpiresAt,
    };
  });
}

/** When the next entry not already being sent becomes due (for the engine's timer). */
export function nextDueAt(db: Db, exclude: readonly string[] = []): string | null {
  const row = db
    .prepare(
      `SELECT MIN(o.next_attempt_at) AS at FROM outbox o WHERE o.state IN ('queued', 'sending') AND o.id NOT IN (SELECT value FROM json_each(?))
          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.patient_id = o.patient_id AND p.seq < o.seq AND p.state IN ('queued', 'sending'))`,
    )
    .get(JSON.stringify(exclude)) as { at: string | null };
  return row.at;
}

export function pendingCount(db: Db): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state IN ('queued', 'sending')`).get() as { n: number }).n;
}

export interface AttemptRow {
  outboxId: string;
  at: string;
  outcome: string;
  httpStatus?: number | null;
  errorCode?: string | null;
  message?: Message | null;
  durationMs?: number | null;
}

export function recordAttempt(db: Db, a: AttemptRow): void {
  db.prepare('INSERT INTO attempts (outbox_id, at, outcome, http_status, error_code, message, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    a.outboxId,
    a.at,
    a.outcome,
    a.httpStatus ?? null,
    a.errorCode ?? null,
    a.message ? JSON.stringify(a.message) : null,
    a.durationMs ?? null,
  );
}

const CLEAR_PID = 'pid_ciphertext = NULL, pid_iv = NULL, pid_tag = NULL, pid_expires_at = NULL';

export interface PortalAcceptance {
  portalRef: string;
  portalNumber: string | null;
  portalStatus: string;
  registeredAt: string;
  expiresAt: string;
}

/*
 * Every transition names the states it may leave, so a late answer can never overwrite what an
 * operator or another step decided meanwhile. The sender's transitions leave `sending` only.
 */

/** Delivered: the outbox entry is done and its PID block deleted in the same statement. */
export function markRegistered(db: Db, outboxId: string, accepted: PortalAcceptance, at: string): boolean {
  if (db.prepare(`UPDATE outbox SET state = 'done', ${CLEAR_PID}, updated_at = ? WHERE id = ? AND state = 'sending'`).run(at, outboxId).changes === 0) return false;
  db.prepare(
    `UPDATE registrations SET state = 'registered', portal_ref = ?, portal_number = ?, portal_status = ?, registered_at = ?, expires_at = ?, last_error = NULL, updated_at = ?
      WHERE id = (SELECT registration_id FROM outbox WHERE id = ?) AND state = 'sending'`,
  ).run(accepted.portalRef, accepted.portalNumber, accepted.portalStatus, accepted.registeredAt, accepted.expiresAt, at, outboxId);
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

/** The portal came back: every queued entry is due now, whatever its backoff said. */
export function makeAllDue(db: Db, at: string): number {
  return db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'queued' AND next_attempt_at > ?`).run(at, at).changes;
}

/**
 * Buffered PID blocks past their hold time, on entries waiting (not in flight: the sender checks
 * expiry itself): delete them, and send the entry to the operator.
 */
export function expirePids(db: Db, at: string, reason: Message): string[] {
  const expired = db.prepare(`SELECT id FROM outbox WHERE pid_ciphertext IS NOT NULL AND pid_expires_at <= ? AND state = 'queued'`).all(at) as { id: string }[];
  for (const { id } of expired) markNeedsAction(db, id, reason, at);
  return expired.map((e) => e.id);
}

export interface RegistrationRow {
  id: string;
  patient_id: string;
  kind: RegistrationKind;
  state: RegistrationState;
  hospital_code: string;
  hospital_state: string;
  admitted_at: string;
  payload: string;
  portal_ref: string | null;
  portal_number: string | null;
  portal_status: string | null;
  registered_at: string | null;
  expires_at: string | null;
  last_error: string | null;
  resubmitted_from: string | null;
  resolved_reason: string | null;
  created_at: string;
  updated_at: string;
}

export function getRegistration(db: Db, id: string): RegistrationRow | undefined {
  return db.prepare('SELECT * FROM registrations WHERE id = ?').get(id) as RegistrationRow | undefined;
}

export function outboxFor(db: Db, registrationId: string): { id: string; state: string; attempts: number; next_attempt_at: string } | undefined {
  return db.prepare('SELECT id, state, attempts, next_attempt_at FROM outbox WHERE registration_id = ?').get(registrationId) as
    | { id: string; state: string; attempts: number; next_attempt_at: string }
    | undefined;
}

/** Retry now: a waiting or needs-action entry goes back to the front of its line (guarded by state). */
export function requeueNow(db: Db, registrationId: string, at: string): void {
  db.prepare(`UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ? WHERE registration_id = ? AND state IN ('queued', 'needs-action')`).run(at, at, registrationId);
  db.prepare(`UPDATE registrations SET state = 'queued', updated_at = ? WHERE id = ? AND state IN ('queued', 'needs-action')`).run(at, registrationId);
}

/** Move a registration to `state` only from one of `from`; returns whether it moved. */
export function setState(db: Db, registrationId: string, state: RegistrationState, at: string, extra: { from: RegistrationState[]; resolvedReason?: string }): boolean {
  return (
    db
      .prepare(`UPDATE registrations SET state = ?, resolved_reason = COALESCE(?, resolved_reason), updated_at = ? WHERE id = ? AND state IN (SELECT value FROM json_each(?))`)
      .run(state, extra.resolvedReason ?? null, at, registrationId, JSON.stringify(extra.from)).changes > 0
  );
}

/** Registered entries the watchdog still follows (the portal has not moved them on). */
export function watched(db: Db): RegistrationRow[] {
  return db
    .prepare(`SELECT * FROM registrations WHERE state = 'registered' AND portal_ref IS NOT NULL AND COALESCE(portal_status, 'active') IN ('active', 'pending') ORDER BY expires_at`)
    .all() as RegistrationRow[];
}

export function updatePortalStatus(db: Db, registrationId: string, status: string, at: string): void {
  db.prepare('UPDATE registrations SET portal_status = ?, updated_at = ? WHERE id = ?').run(status, at, registrationId);
}

export interface ListedRow extends RegistrationRow {
  patient_name: string;
  beneficiary_id: string;
  aadhaar_last4: string | null;
  attempts: number | null;
  next_attempt_at: string | null;
  outbox_state: string | null;
  resubmitted_as: string | null;
}

export function listRegistrations(db: Db, state: RegistrationState | undefined, limit: number): ListedRow[] {
  return db
    .prepare(
      `SELECT r.*, p.name AS patient_name, p.beneficiary_id, p.aadhaar_last4, o.attempts, o.next_attempt_at, o.state AS outbox_state,
              (SELECT n.id FROM registrations n WHERE n.resubmitted_from = r.id) AS resubmitted_as
         FROM registrations r JOIN patients p ON p.id = r.patient_id LEFT JOIN outbox o ON o.registration_id = r.id
        WHERE (? IS NULL OR r.state = ?)
        ORDER BY CASE r.state WHEN 'cancelled-by-portal' THEN 0 WHEN 'needs-action' THEN 1 WHEN 'sending' THEN 2 WHEN 'queued' THEN 3 ELSE 4 END, r.created_at DESC
        LIMIT ?`,
    )
    .all(state ?? null, state ?? null, limit) as ListedRow[];
}

export function attemptsFor(db: Db, registrationId: string): { at: string; outcome: string; http_status: number | null; error_code: string | null; message: string | null }[] {
  return db
    .prepare(
      `SELECT a.at, a.outcome, a.http_status, a.error_code, a.message FROM attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.registration_id = ? ORDER BY a.id`,
    )
    .all(registrationId) as { at: string; outcome: string; http_status: number | null; error_code: string | null; message: string | null }[];
}

export function countsByState(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT state, COUNT(*) AS n FROM registrations GROUP BY state').all() as { state: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export function oldestPendingAt(db: Db): string | null {
  return (db.prepare(`SELECT MIN(created_at) AS at FROM outbox WHERE state IN ('queued', 'sending')`).get() as { at: string | null }).at;
}

export function lastDeliveryAt(db: Db): string | null {
  return (db.prepare(`SELECT MAX(registered_at) AS at FROM registrations`).get() as { at: string | null }).at;
}

export function watchedSummary(db: Db): { id: string; patientName: string; portalRef: string | null; expiresAt: string }[] {
  return db
    .prepare(
      `SELECT r.id, p.name AS patientName, r.portal_number AS portalRef, r.expires_at AS expiresAt FROM registrations r JOIN patients p ON p.id = r.patient_id
        WHERE r.state = 'registered' AND r.expires_at IS NOT NULL AND COALESCE(r.portal_status, 'active') = 'active' ORDER BY r.expires_at`,
    )
    .all() as { id: string; patientName: string; portalRef: string | null; expiresAt: string }[];
}

export function cancelledByPortal(db: Db): { id: string; patientName: string; portalRef: string | null }[] {
  return db
    .prepare(`SELECT r.id, p.name AS patientName, r.portal_number AS portalRef FROM registrations r JOIN patients p ON p.id = r.patient_id WHERE r.state = 'cancelled-by-portal' ORDER BY r.updated_at`)
    .all() as { id: string; patientName: string; portalRef: string | null }[];
}

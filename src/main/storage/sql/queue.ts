import type { Message } from '../../../shared/contract/common';
import type { RegistrationKind, RegistrationState } from '../../../shared/contract/queue';
import type { Db } from '../database';
import type { SealedPid } from '../pid-vault';

export const PRIORITY: Record<RegistrationKind, number> = { inpatient: 0, outpatient: 1, card: 2 };

/** The patient's details as this registration was made with them. */
export interface PatientSnapshot {
  name: string;
  gender: 'F' | 'M' | 'T' | null;
  yearOfBirth: number | null;
  mobile: string | null;
  district: string | null;
}

export interface NewRegistration {
  id: string;
  patientId: string;
  patient: PatientSnapshot;
  kind: RegistrationKind;
  hospitalCode: string;
  hospitalState: string;
  admittedAt: string;
  payload: object;
  /** Same patient, kind and admission time: see registrationFingerprint. */
  fingerprint: string;
  resubmittedFrom?: string;
  importBatch?: number;
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
    `INSERT INTO registrations (id, patient_id, kind, state, hospital_code, hospital_state, admitted_at, payload, resubmitted_from, import_batch, fingerprint,
                                patient_name, patient_gender, patient_year_of_birth, patient_mobile, patient_district, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.patientId,
    r.kind,
    r.hospitalCode,
    r.hospitalState,
    r.admittedAt,
    JSON.stringify(r.payload),
    r.resubmittedFrom ?? null,
    r.importBatch ?? null,
    r.fingerprint,
    r.patient.name,
    r.patient.gender,
    r.patient.yearOfBirth,
    r.patient.mobile,
    r.patient.district,
    at,
    at,
  );
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

/** Outbox entries holding a buffered PID block. */
export function heldPidCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE pid_ciphertext IS NOT NULL').get() as { n: number }).n;
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

/** The columns that hold a buffered PID block, cleared together (here and in the backup copy). */
export const CLEAR_PID = 'pid_ciphertext = NULL, pid_iv = NULL, pid_tag = NULL, pid_expires_at = NULL';

/** What is still to send for a registration (buffered verification progress, or the finished request). */
export function savePayload(db: Db, registrationId: string, payload: object, at: string): void {
  db.prepare('UPDATE registrations SET payload = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(payload), at, registrationId);
}

/** The buffered PID block has done its job (verified): delete it. */
export function clearBufferedPid(db: Db, outboxId: string, at: string): void {
  db.prepare(`UPDATE outbox SET ${CLEAR_PID}, updated_at = ? WHERE id = ?`).run(at, outboxId);
}

/** Every entry that waits is due at `at` (a desk-wide hold ended). */
export function makeWaitingDue(db: Db, at: string): number {
  return db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'queued' AND next_attempt_at > ?`).run(at, at).changes;
}

/** How many entries went to needs-action since `since` (for the sync command's report). */
export function needsActionSince(db: Db, since: string): { registrationId: string; reason: string | null }[] {
  return db
    .prepare(`SELECT id AS registrationId, last_error AS reason FROM registrations WHERE state = 'needs-action' AND updated_at >= ? ORDER BY updated_at`)
    .all(since) as { registrationId: string; reason: string | null }[];
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

/*
 * Every transition names the states it may leave, so a late answer can never overwrite what an
 * operator or another step decided meanwhile. The sender's transitions leave `sending` only.
 */

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
  cancelled_reason: string | null;
  last_error: string | null;
  resubmitted_from: string | null;
  resolved_reason: string | null;
  patient_name: string | null;
  patient_gender: 'F' | 'M' | 'T' | null;
  patient_year_of_birth: number | null;
  patient_mobile: string | null;
  patient_district: string | null;
  fingerprint: string | null;
  import_batch: number | null;
  created_at: string;
  updated_at: string;
}

/** The patient details a registration row was made with (for a re-submission). */
export function snapshotOf(row: RegistrationRow): PatientSnapshot {
  return { name: row.patient_name ?? '', gender: row.patient_gender, yearOfBirth: row.patient_year_of_birth, mobile: row.patient_mobile, district: row.patient_district };
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

export function updatePortalStatus(db: Db, registrationId: string, status: string, cancelledReason: string | null, at: string): void {
  db.prepare('UPDATE registrations SET portal_status = ?, cancelled_reason = COALESCE(?, cancelled_reason), updated_at = ? WHERE id = ?').run(status, cancelledReason, at, registrationId);
}

/** Registrations already made for this fingerprint (same patient, kind and admission), oldest first, with the import that brought each. */
export function registrationsWithFingerprint(db: Db, fingerprint: string): { id: string; createdAt: string; importFile: string | null; importAt: string | null }[] {
  return db
    .prepare(
      `SELECT r.id, r.created_at AS createdAt, b.file_name AS importFile, b.at AS importAt
         FROM registrations r LEFT JOIN import_batches b ON b.id = r.import_batch
        WHERE r.fingerprint = ? AND r.state NOT IN ('resubmitted') ORDER BY r.created_at`,
    )
    .all(fingerprint) as { id: string; createdAt: string; importFile: string | null; importAt: string | null }[];
}

/** An earlier import of a file with the same bytes. */
export function importOfFile(db: Db, sha256: string): { id: number; at: string; fileName: string; records: number } | undefined {
  return db.prepare('SELECT id, at, file_name AS fileName, records FROM import_batches WHERE file_sha256 = ? ORDER BY id LIMIT 1').get(sha256) as
    | { id: number; at: string; fileName: string; records: number }
    | undefined;
}

export function insertImportBatch(db: Db, batch: { at: string; fileName: string; sha256: string; records: number }): number {
  return Number(db.prepare('INSERT INTO import_batches (at, file_name, file_sha256, records) VALUES (?, ?, ?, ?)').run(batch.at, batch.fileName, batch.sha256, batch.records).lastInsertRowid);
}

export interface ListedRow extends Omit<RegistrationRow, 'patient_name'> {
  patient_name: string;
  beneficiary_id: string;
  aadhaar_last4: string | null;
  attempts: number | null;
  next_attempt_at: string | null;
  outbox_state: string | null;
  resubmitted_as: string | null;
}

/** One listed row's columns: the registration with its patient's name (as registered), id, last 4 digits and outbox state. */
const LISTED = `SELECT r.*, COALESCE(r.patient_name, p.name) AS patient_name, p.beneficiary_id, p.aadhaar_last4, o.attempts, o.next_attempt_at, o.state AS outbox_state,
              (SELECT n.id FROM registrations n WHERE n.resubmitted_from = r.id) AS resubmitted_as
         FROM registrations r JOIN patients p ON p.id = r.patient_id LEFT JOIN outbox o ON o.registration_id = r.id`;

export function entryRow(db: Db, id: string): ListedRow | undefined {
  return db.prepare(`${LISTED} WHERE r.id = ?`).get(id) as ListedRow | undefined;
}

export function listRegistrations(db: Db, state: RegistrationState | undefined, limit: number): ListedRow[] {
  return db
    .prepare(
      `${LISTED}
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
      `SELECT r.id, COALESCE(r.patient_name, p.name) AS patientName, r.portal_number AS portalRef, r.expires_at AS expiresAt FROM registrations r JOIN patients p ON p.id = r.patient_id
        WHERE r.state = 'registered' AND r.expires_at IS NOT NULL AND COALESCE(r.portal_status, 'active') = 'active' ORDER BY r.expires_at`,
    )
    .all() as { id: string; patientName: string; portalRef: string | null; expiresAt: string }[];
}

export function cancelledByPortal(db: Db): { id: string; patientName: string; portalRef: string | null; cancelledReason: string | null }[] {
  return db
    .prepare(
      `SELECT r.id, COALESCE(r.patient_name, p.name) AS patientName, r.portal_number AS portalRef, r.cancelled_reason AS cancelledReason
         FROM registrations r JOIN patients p ON p.id = r.patient_id WHERE r.state = 'cancelled-by-portal' ORDER BY r.updated_at`,
    )
    .all() as { id: string; patientName: string; portalRef: string | null; cancelledReason: string | null }[];
}

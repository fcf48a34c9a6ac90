import type { RegistrationKind, RegistrationState } from '../../../shared/contract/queue';
import type { Db } from '../database';

/** The patient's details as a registration was made with them. */
export interface PatientSnapshot {
  name: string;
  gender: 'F' | 'M' | 'T' | null;
  yearOfBirth: number | null;
  mobile: string | null;
  district: string | null;
}

/** A registration as the rest of the app sees it. */
export interface Registration {
  id: string;
  patientId: string;
  kind: RegistrationKind;
  state: RegistrationState;
  hospitalCode: string;
  hospitalState: string;
  admittedAt: string;
  /** JSON: what is still to send (see sync/payload.ts). */
  payload: string;
  portalRef: string | null;
  portalNumber: string | null;
  portalStatus: string | null;
  registeredAt: string | null;
  expiresAt: string | null;
  cancelledReason: string | null;
  /** JSON: the last failure's message. */
  lastError: string | null;
  resubmittedFrom: string | null;
  resolvedReason: string | null;
  patient: PatientSnapshot;
  fingerprint: string | null;
  importBatch: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The registrations table's columns, as SQLite returns them. */
interface RegistrationRow {
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

/** The one mapper from a registrations row to a Registration. */
function toRegistration(row: RegistrationRow, patientName = row.patient_name ?? ''): Registration {
  return {
    id: row.id,
    patientId: row.patient_id,
    kind: row.kind,
    state: row.state,
    hospitalCode: row.hospital_code,
    hospitalState: row.hospital_state,
    admittedAt: row.admitted_at,
    payload: row.payload,
    portalRef: row.portal_ref,
    portalNumber: row.portal_number,
    portalStatus: row.portal_status,
    registeredAt: row.registered_at,
    expiresAt: row.expires_at,
    cancelledReason: row.cancelled_reason,
    lastError: row.last_error,
    resubmittedFrom: row.resubmitted_from,
    resolvedReason: row.resolved_reason,
    patient: { name: patientName, gender: row.patient_gender, yearOfBirth: row.patient_year_of_birth, mobile: row.patient_mobile, district: row.patient_district },
    fingerprint: row.fingerprint,
    importBatch: row.import_batch,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
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
  /** Same patient, kind and admission time: see queue/fingerprint.ts. */
  fingerprint: string;
  resubmittedFrom?: string;
  importBatch?: number;
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

export function getRegistration(db: Db, id: string): Registration | undefined {
  const row = db.prepare<[string], RegistrationRow>('SELECT * FROM registrations WHERE id = ?').get(id);
  return row && toRegistration(row);
}

/** What is still to send for a registration (buffered verification progress, or the finished request). */
export function savePayload(db: Db, registrationId: string, payload: object, at: string): void {
  db.prepare('UPDATE registrations SET payload = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(payload), at, registrationId);
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
export function watched(db: Db): Registration[] {
  return db
    .prepare<[], RegistrationRow>(`SELECT * FROM registrations WHERE state = 'registered' AND portal_ref IS NOT NULL AND COALESCE(portal_status, 'active') IN ('active', 'pending') ORDER BY expires_at`)
    .all()
    .map((row) => toRegistration(row));
}

export function updatePortalStatus(db: Db, registrationId: string, status: string, cancelledReason: string | null, at: string): void {
  db.prepare('UPDATE registrations SET portal_status = ?, cancelled_reason = COALESCE(?, cancelled_reason), updated_at = ? WHERE id = ?').run(status, cancelledReason, at, registrationId);
}

/** Registrations already made for this fingerprint (same patient, kind and admission), oldest first, with the import that brought each. */
export function registrationsWithFingerprint(db: Db, fingerprint: string): { id: string; createdAt: string; importFile: string | null; importAt: string | null }[] {
  return db
    .prepare<[string], { id: string; createdAt: string; importFile: string | null; importAt: string | null }>(
      `SELECT r.id, r.created_at AS createdAt, b.file_name AS importFile, b.at AS importAt
         FROM registrations r LEFT JOIN import_batches b ON b.id = r.import_batch
        WHERE r.fingerprint = ? AND r.state NOT IN ('resubmitted') ORDER BY r.created_at`,
    )
    .all(fingerprint);
}

/** A registration as the queue lists it: with its patient, its outbox entry and what re-submitted it. */
export interface ListedRegistration extends Registration {
  beneficiaryId: string;
  aadhaarLast4: string | null;
  attempts: number | null;
  nextAttemptAt: string | null;
  outboxState: string | null;
  resubmittedAs: string | null;
}

interface ListedRow extends RegistrationRow {
  listed_name: string;
  beneficiary_id: string;
  aadhaar_last4: string | null;
  attempts: number | null;
  next_attempt_at: string | null;
  outbox_state: string | null;
  resubmitted_as: string | null;
}

function toListed(row: ListedRow): ListedRegistration {
  return {
    ...toRegistration(row, row.listed_name),
    beneficiaryId: row.beneficiary_id,
    aadhaarLast4: row.aadhaar_last4,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    outboxState: row.outbox_state,
    resubmittedAs: row.resubmitted_as,
  };
}

/** The registration with its patient's name (as registered), id, last 4 digits and outbox state. */
const LISTED = `SELECT r.*, COALESCE(r.patient_name, p.name) AS listed_name, p.beneficiary_id, p.aadhaar_last4, o.attempts, o.next_attempt_at, o.state AS outbox_state,
              (SELECT n.id FROM registrations n WHERE n.resubmitted_from = r.id) AS resubmitted_as
         FROM registrations r JOIN patients p ON p.id = r.patient_id LEFT JOIN outbox o ON o.registration_id = r.id`;

export function listedRegistration(db: Db, id: string): ListedRegistration | undefined {
  const row = db.prepare<[string], ListedRow>(`${LISTED} WHERE r.id = ?`).get(id);
  return row && toListed(row);
}

/** Problems first (cancelled, needs action), then what is on its way, newest first within each. */
export function listRegistrations(db: Db, state: RegistrationState | undefined, limit: number): ListedRegistration[] {
  return db
    .prepare<[string | null, string | null, number], ListedRow>(
      `${LISTED}
        WHERE (? IS NULL OR r.state = ?)
        ORDER BY CASE r.state WHEN 'cancelled-by-portal' THEN 0 WHEN 'needs-action' THEN 1 WHEN 'sending' THEN 2 WHEN 'queued' THEN 3 ELSE 4 END, r.created_at DESC
        LIMIT ?`,
    )
    .all(state ?? null, state ?? null, limit)
    .map(toListed);
}

export function countsByState(db: Db): Partial<Record<RegistrationState, number>> {
  const rows = db.prepare<[], { state: RegistrationState; n: number }>('SELECT state, COUNT(*) AS n FROM registrations GROUP BY state').all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export function lastDeliveryAt(db: Db): string | null {
  return db.prepare<[], { at: string | null }>(`SELECT MAX(registered_at) AS at FROM registrations`).get()?.at ?? null;
}

export function watchedSummary(db: Db): { id: string; patientName: string; portalRef: string | null; expiresAt: string }[] {
  return db
    .prepare<[], { id: string; patientName: string; portalRef: string | null; expiresAt: string }>(
      `SELECT r.id, COALESCE(r.patient_name, p.name) AS patientName, r.portal_number AS portalRef, r.expires_at AS expiresAt FROM registrations r JOIN patients p ON p.id = r.patient_id
        WHERE r.state = 'registered' AND r.expires_at IS NOT NULL AND COALESCE(r.portal_status, 'active') = 'active' ORDER BY r.expires_at`,
    )
    .all();
}

export function cancelledByPortal(db: Db): { id: string; patientName: string; portalRef: string | null; cancelledReason: string | null }[] {
  return db
    .prepare<[], { id: string; patientName: string; portalRef: string | null; cancelledReason: string | null }>(
      `SELECT r.id, COALESCE(r.patient_name, p.name) AS patientName, r.portal_number AS portalRef, r.cancelled_reason AS cancelledReason
         FROM registrations r JOIN patients p ON p.id = r.patient_id WHERE r.state = 'cancelled-by-portal' ORDER BY r.updated_at`,
    )
    .all();
}

import { randomUUID } from 'node:crypto';
import type { Db } from '../database';

export interface PatientRecord {
  beneficiaryId: string;
  name: string;
  gender?: 'F' | 'M' | 'T';
  yearOfBirth?: number;
  mobile?: string;
  state: string;
  district?: string;
  familyId?: string;
}

/** What changed between the details on file and a newer record (for the audit log). */
export type PatientChanges = (keyof PatientRecord)[];

interface PatientRow {
  id: string;
  name: string;
  gender: string | null;
  year_of_birth: number | null;
  mobile: string | null;
  district: string | null;
  family_id: string | null;
}

/**
 * Insert or refresh a patient, matched on beneficiary id and state; returns the local id and which
 * details the newer record changed. Of an Aadhaar number only the last 4 digits are ever kept.
 * Registrations keep their own copy of the details, so refreshing never rewrites an earlier one.
 */
export function upsertPatient(db: Db, patient: PatientRecord, aadhaarLast4: string | null, at: string): { id: string; changed: PatientChanges } {
  const existing = db
    .prepare<[string, string], PatientRow>('SELECT id, name, gender, year_of_birth, mobile, district, family_id FROM patients WHERE beneficiary_id = ? AND state = ?')
    .get(patient.beneficiaryId, patient.state);
  const values = [patient.name, patient.gender ?? null, patient.yearOfBirth ?? null, patient.mobile ?? null, patient.district ?? null, patient.familyId ?? null] as const;
  if (existing) {
    const before = [existing.name, existing.gender, existing.year_of_birth, existing.mobile, existing.district, existing.family_id];
    const fields: PatientChanges = ['name', 'gender', 'yearOfBirth', 'mobile', 'district', 'familyId'];
    const changed = fields.filter((_, i) => before[i] !== values[i]);
    db.prepare(
      `UPDATE patients SET name = ?, gender = ?, year_of_birth = ?, mobile = ?, district = ?, family_id = ?,
         aadhaar_last4 = COALESCE(?, aadhaar_last4), updated_at = ? WHERE id = ?`,
    ).run(...values, aadhaarLast4, at, existing.id);
    return { id: existing.id, changed };
  }
  const id = randomUUID();
  db.prepare(
    `INSERT INTO patients (id, beneficiary_id, state, name, gender, year_of_birth, mobile, district, family_id, aadhaar_last4, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, patient.beneficiaryId, patient.state, ...values, aadhaarLast4, at, at);
  return { id, changed: [] };
}

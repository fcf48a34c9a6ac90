import { randomUUID } from 'node:crypto';
import type { Db } from '../database';
import type { AadhaarTrace } from '../aadhaar';

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

/** Insert or refresh a patient, matched on beneficiary id and state; returns the local id. */
export function upsertPatient(db: Db, patient: PatientRecord, aadhaar: AadhaarTrace | null, at: string): string {
  const existing = db.prepare('SELECT id FROM patients WHERE beneficiary_id = ? AND state = ?').get(patient.beneficiaryId, patient.state) as { id: string } | undefined;
  const values = [patient.name, patient.gender ?? null, patient.yearOfBirth ?? null, patient.mobile ?? null, patient.district ?? null, patient.familyId ?? null] as const;
  if (existing) {
    db.prepare(
      `UPDATE patients SET name = ?, gender = ?, year_of_birth = ?, mobile = ?, district = ?, family_id = ?,
         aadhaar_last4 = COALESCE(?, aadhaar_last4), aadhaar_hmac = COALESCE(?, aadhaar_hmac), updated_at = ? WHERE id = ?`,
    ).run(...values, aadhaar?.last4 ?? null, aadhaar?.hmac ?? null, at, existing.id);
    return existing.id;
  }
  const id = randomUUID();
  db.prepare(
    `INSERT INTO patients (id, beneficiary_id, state, name, gender, year_of_birth, mobile, district, family_id, aadhaar_last4, aadhaar_hmac, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, patient.beneficiaryId, patient.state, ...values, aadhaar?.last4 ?? null, aadhaar?.hmac ?? null, at, at);
  return id;
}

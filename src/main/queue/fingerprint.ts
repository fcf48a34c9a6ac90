import { createHash } from 'node:crypto';
import type { RegistrationKind } from '../../shared/contract/queue';

/**
 * One admission of one beneficiary, however it was typed: kind, PM-JAY id, state and the admission
 * time in UTC to the minute. Two registrations with the same fingerprint are the same patient
 * registered twice. Holds no Aadhaar digits.
 */
export function registrationFingerprint(r: { kind: RegistrationKind; beneficiaryId: string; state: string; admittedAt: string }): string {
  const minute = Math.floor(Date.parse(r.admittedAt) / 60_000);
  return createHash('sha256').update(JSON.stringify([r.kind, r.beneficiaryId.trim().toUpperCase(), r.state, minute])).digest('hex');
}

import type { RegistrationKind, VerificationMethod } from '../../shared/contract/queue';
import type { RegistrationRequest } from '../portal/schemas';

/**
 * What the registrations table keeps to send (and re-send) a registration: the portal request
 * without the Aadhaar number and without any PID block, plus how far buffered verification got.
 */
export interface StoredPayload {
  request: Omit<RegistrationRequest, 'clientReference'>;
  /** Buffered authentication still to do before the request can go: init, then verify with the held PID. */
  buffered: { authMode: 'FINGERPRINT' | 'IRIS' | 'FACE'; familyMemberId?: string; transactionId?: string } | null;
}

const KIND: Record<RegistrationKind, RegistrationRequest['kind']> = { inpatient: 'IP', outpatient: 'OP', card: 'CARD' };
const METHOD: Record<VerificationMethod, RegistrationRequest['verification']['method']> = {
  fingerprint: 'FINGERPRINT',
  iris: 'IRIS',
  face: 'FACE',
  otp: 'OTP',
  'family-member': 'FAMILY_MEMBER',
  'none-confirmed': 'CONFIRMED_WITHOUT_BIOMETRIC',
};

export function buildPayload(input: {
  kind: RegistrationKind;
  beneficiaryId: string;
  hospitalCode: string;
  state: string;
  admittedAt: string;
  method: VerificationMethod;
  transactionId?: string;
  confirmedBy?: string;
  familyMemberId?: string;
  notes?: string;
  bufferedPid: boolean;
}): StoredPayload {
  const verification: RegistrationRequest['verification'] = {
    method: METHOD[input.method],
    ...(input.transactionId ? { transactionId: input.transactionId } : {}),
    ...(input.confirmedBy ? { confirmedBy: input.confirmedBy } : {}),
  };
  const authMode = input.method === 'iris' ? 'IRIS' : input.method === 'face' ? 'FACE' : 'FINGERPRINT';
  return {
    request: {
      beneficiaryId: input.beneficiaryId,
      hospitalCode: input.hospitalCode,
      state: input.state,
      kind: KIND[input.kind],
      admittedAt: input.admittedAt,
      verification,
      ...(input.notes ? { notes: input.notes } : {}),
    },
    buffered: input.bufferedPid && !input.transactionId ? { authMode, ...(input.familyMemberId ? { familyMemberId: input.familyMemberId } : {}) } : null,
  };
}

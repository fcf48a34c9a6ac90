import { z } from 'zod';
import { containsAadhaarNumber, maskAadhaarLike } from '../aadhaar/mask';
import { hasAadhaarShape, normaliseAadhaar } from '../aadhaar/number';
import { verhoeffValid } from '../aadhaar/verhoeff';
import { Message } from './common';

/**
 * A registration's life on this desk:
 * queued -> sending -> registered | needs-action;
 * registered -> cancelled-by-portal -> resubmitted (a new registration carries on, linked);
 * needs-action -> queued (retry now) | resolved (marked by the operator, with a reason).
 */
export const RegistrationState = z.enum(['queued', 'sending', 'registered', 'needs-action', 'cancelled-by-portal', 'resubmitted', 'resolved']);
export type RegistrationState = z.infer<typeof RegistrationState>;

/** Inpatient before outpatient before card requests. */
export const RegistrationKind = z.enum(['inpatient', 'outpatient', 'card']);
export type RegistrationKind = z.infer<typeof RegistrationKind>;

export const VerificationMethod = z.enum(['fingerprint', 'iris', 'face', 'otp', 'family-member', 'none-confirmed']);
export type VerificationMethod = z.infer<typeof VerificationMethod>;

const StateCode = z.string().regex(/^[A-Z]{2}$/, 'two capital letters, like BR');

/**
 * A full Aadhaar number as typed: 12 digits in any Indian script or full width, separators allowed,
 * not starting 0 or 1, Verhoeff-valid. Only its last 4 digits are ever kept (see QueueService).
 */
export const AadhaarNumber = z
  .string()
  .max(40)
  .transform(normaliseAadhaar)
  .refine(hasAadhaarShape, { message: 'an Aadhaar number has 12 digits and does not start with 0 or 1', abort: true })
  .refine(verhoeffValid, 'this Aadhaar number has a typing mistake (check digit does not match)');

/** Free text an operator types: trimmed, bounded, and any Aadhaar-like number in it masked to its last 4 digits. */
const FreeText = (min: number, max: number) => z.string().trim().min(min).max(max).transform(maskAadhaarLike);

/** An id typed by hand must not hold a full Aadhaar number: that would be stored and sent in full. */
const NOT_AADHAAR = 'this holds an Aadhaar number: type the Aadhaar number only in the Aadhaar field';
const BeneficiaryId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{6,24}$/, '6-24 letters, digits or hyphens')
  .refine((value) => !containsAadhaarNumber(value), NOT_AADHAAR);

export const PatientInput = z.strictObject({
  /** PM-JAY beneficiary id from the portal's search. */
  beneficiaryId: BeneficiaryId,
  name: FreeText(1, 120),
  gender: z.enum(['F', 'M', 'T']).optional(),
  yearOfBirth: z.int().min(1900).max(2100).optional(),
  mobile: z.string().regex(/^[6-9]\d{9}$/, 'a 10-digit Indian mobile number').optional(),
  state: StateCode,
  district: FreeText(0, 80).optional(),
  familyId: FreeText(0, 40).optional(),
  /** Only to derive the last 4 digits: the full number is never stored, logged or sent. */
  aadhaar: AadhaarNumber.optional(),
});
export type PatientInput = z.input<typeof PatientInput>;

export const VerificationInput = z.strictObject({
  method: VerificationMethod,
  /** A capture session whose held PID block should ride along for buffered authentication. */
  captureSessionId: z.string().max(64).optional(),
  /** The portal's transaction id when verification already happened online. */
  transactionId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine((value) => !containsAadhaarNumber(value), NOT_AADHAAR)
    .optional(),
  /** For `none-confirmed`: who confirmed continuing without biometrics. */
  confirmedBy: FreeText(0, 80).optional(),
  /** For `family-member`: the beneficiary id of the relative on the same card whose biometric was captured. */
  familyMemberId: BeneficiaryId.optional(),
});

export const RegistrationInput = z
  .strictObject({
    kind: RegistrationKind,
    patient: PatientInput,
    admittedAt: z.iso.datetime({ offset: true }),
    verification: VerificationInput,
    notes: FreeText(0, 500).optional(),
  })
  .refine((r) => r.verification.method !== 'none-confirmed' || !!r.verification.confirmedBy, {
    message: 'continuing without biometrics needs the name of whoever confirmed it',
    path: ['verification', 'confirmedBy'],
  })
  .refine((r) => r.verification.method !== 'family-member' || !!r.verification.transactionId || !!r.verification.familyMemberId, {
    message: "a family member's biometric needs that member's beneficiary id",
    path: ['verification', 'familyMemberId'],
  });
export type RegistrationInput = z.input<typeof RegistrationInput>;

export const HistoryItem = z.object({
  at: z.iso.datetime(),
  /** What happened: attempt outcomes, state changes, operator actions. */
  event: z.string(),
  message: Message.nullable(),
});

export const QueueEntry = z.object({
  id: z.string(),
  kind: RegistrationKind,
  state: RegistrationState,
  patientName: z.string(),
  beneficiaryId: z.string(),
  aadhaarLast4: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  attempts: z.int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: Message.nullable(),
  portalRef: z.string().nullable(),
  portalStatus: z.string().nullable(),
  /** When the portal is expected to cancel an unattended registration (the watchdog's deadline). */
  expiresAt: z.iso.datetime().nullable(),
  /** The portal's own words when it cancelled this registration. */
  cancelledReason: z.string().nullable(),
  resubmittedFrom: z.string().nullable(),
  resubmittedAs: z.string().nullable(),
  history: z.array(HistoryItem),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

export const PortalLink = z.enum(['online', 'offline', 'probing', 'unknown']);
export type PortalLink = z.infer<typeof PortalLink>;

/**
 * What holds every registration back right now (nothing an operator can fix entry by entry):
 * refused desk credentials, a portal certificate that does not verify, a portal address that
 * redirects or is not the portal's, the portal asking the desk to slow down (until a time), or an outage.
 */
export const DeskHold = z.object({
  reason: z.enum(['credentials', 'certificate', 'redirect', 'address', 'rate-limited', 'outage']),
  since: z.iso.datetime().nullable(),
  until: z.iso.datetime().nullable(),
});
export type DeskHold = z.infer<typeof DeskHold>;

export const QueueSummary = z.object({
  counts: z.record(RegistrationState, z.int()),
  /** Oldest entry not yet delivered (queued or sending). */
  oldestPendingAt: z.iso.datetime().nullable(),
  portal: PortalLink,
  hold: DeskHold.nullable(),
  lastDeliveryAt: z.iso.datetime().nullable(),
  /** Registrations the portal cancelled, waiting for the operator. */
  cancelled: z.array(z.object({ id: z.string(), patientName: z.string(), portalRef: z.string().nullable(), cancelledReason: z.string().nullable() })),
  /** Registrations the watchdog follows, with the portal's expected cancellation time (for countdowns anywhere in the app). */
  watched: z.array(z.object({ id: z.string(), patientName: z.string(), portalRef: z.string().nullable(), expiresAt: z.iso.datetime() })),
});
export type QueueSummary = z.infer<typeof QueueSummary>;

export const QueueListRequest = z.strictObject({ state: RegistrationState.optional(), limit: z.int().min(1).max(500).optional() });
export const QueueIdRequest = z.strictObject({ id: z.string().max(64) });
export const QueueResolveRequest = z.strictObject({ id: z.string().max(64), reason: FreeText(3, 300) });

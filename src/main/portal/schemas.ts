import { z } from 'zod';
import { maskAadhaarLike } from '../../shared/aadhaar/mask';

/**
 * The portal contract (docs/portal-api.yaml) as zod schemas: the client validates every answer
 * with them, the simulator every request.
 */
/**
 * A time from the portal, any offset the contract's date-time allows (`+05:30`, `Z`, fractions of
 * any length), turned into UTC at once: everything stored and compared on this desk is UTC.
 */
export const PortalTime = z
  .string()
  .max(64)
  // RFC 3339 allows a lower-case t and z.
  .transform((value) => value.toUpperCase())
  .pipe(z.iso.datetime({ offset: true }))
  .refine((value) => Number.isFinite(Date.parse(value)), 'not a real date')
  .transform((value) => new Date(Date.parse(value)).toISOString());

/** Text the portal writes for people (a cancellation reason): no control characters, bounded, no Aadhaar number. */
const PortalText = (max: number) =>
  z
    .string()
    .transform((value) => maskAadhaarLike(value.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]+/gu, ' ').trim()).slice(0, max));

/** An identifier the desk stores and shows: printable, bounded. */
const PortalId = z.string().min(1).max(128).regex(/^[\x21-\x7E]+$/, 'printable ASCII without spaces');

export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  time: PortalTime,
  states: z.array(z.object({ code: z.string(), name: z.string(), available: z.boolean() })),
});
export type Health = z.infer<typeof Health>;

/** A token goes into a header: printable ASCII (RFC 6750's b64token and a little more), of a size a header can carry. */
const TokenText = z.string().regex(/^[\x21-\x7E]{1,4096}$/, 'printable ASCII, at most 4096 characters');
export const Token = z.object({ accessToken: TokenText, expiresIn: z.int().positive(), refreshToken: TokenText });
export type Token = z.infer<typeof Token>;

export const Member = z.object({
  beneficiaryId: z.string(),
  name: z.string(),
  gender: z.enum(['F', 'M', 'T']).optional(),
  yearOfBirth: z.int().optional(),
  relation: z.string(),
  status: z.enum(['approved', 'needs-ekyc']),
  aadhaarLast4: z.string().optional(),
  mobileLast4: z.string().optional(),
});
export const Family = z.object({
  familyId: z.string(),
  state: z.string(),
  district: z.string(),
  rationCard: z.string().optional(),
  members: z.array(Member),
});
export type Family = z.infer<typeof Family>;
export const SearchResult = z.object({ families: z.array(Family) });

export const SearchQuery = z
  .strictObject({
    state: z.string().regex(/^[A-Z]{2}$/),
    pmjayId: z.string().min(1).optional(),
    rationCard: z.string().min(1).optional(),
    mobile: z.string().regex(/^[6-9]\d{9}$/).optional(),
    aadhaarLast4: z.string().regex(/^\d{4}$/).optional(),
    name: z.string().min(2).optional(),
    district: z.string().min(2).optional(),
  })
  .refine((q) => q.pmjayId || q.rationCard || q.mobile || (q.aadhaarLast4 && q.name) || (q.name && q.district), {
    message: 'search by PM-JAY ID, ration card, mobile, Aadhaar last 4 with name, or name with district',
  });
export type SearchQuery = z.infer<typeof SearchQuery>;

export const AuthMode = z.enum(['FINGERPRINT', 'IRIS', 'FACE', 'OTP']);
export const AuthInitRequest = z.strictObject({ beneficiaryId: z.string().min(1), authMode: AuthMode, familyMemberId: z.string().optional() });
export const AuthInitResponse = z.object({ transactionId: z.string(), otpSentTo: z.string().optional() });
export const AuthVerifyRequest = z.strictObject({
  transactionId: z.string().min(1),
  fingerPrintAuthPid: z.base64().optional(),
  irisAuthPid: z.base64().optional(),
  faceAuthPid: z.base64().optional(),
  otp: z.string().regex(/^\d{6}$/).optional(),
});
export const AuthVerifyResponse = z.object({ verified: z.boolean(), reason: z.string().optional() });

export const PortalVerificationMethod = z.enum(['FINGERPRINT', 'IRIS', 'FACE', 'OTP', 'FAMILY_MEMBER', 'CONFIRMED_WITHOUT_BIOMETRIC']);
export const RegistrationRequest = z.strictObject({
  beneficiaryId: z.string().min(1),
  hospitalCode: z.string().min(1),
  state: z.string().regex(/^[A-Z]{2}$/),
  kind: z.enum(['IP', 'OP', 'CARD']),
  admittedAt: z.iso.datetime({ offset: true }),
  verification: z.strictObject({ method: PortalVerificationMethod, transactionId: z.string().optional(), confirmedBy: z.string().optional() }),
  notes: z.string().optional(),
  clientReference: z.string().min(1),
});
export type RegistrationRequest = z.infer<typeof RegistrationRequest>;

export const RegistrationStatus = z.enum(['active', 'preauth-raised', 'cancelled', 'discharged']);
export const Registration = z.object({
  registrationId: PortalId,
  registrationNumber: PortalId,
  status: RegistrationStatus,
  createdAt: PortalTime,
  expiresAt: PortalTime.optional(),
  cancelledReason: PortalText(500).optional(),
});
export type Registration = z.infer<typeof Registration>;

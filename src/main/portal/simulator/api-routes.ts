import { createHash } from 'node:crypto';
import { sendJson } from '../../base/http';
import { AuthInitRequest, AuthVerifyRequest, RegistrationRequest, SearchQuery } from '../schemas';
import { SIM_STATES, type SimFamily } from './data';
import { readJson, sendApiError, validate, type Exchange, type Route } from './router';
import type { SimState } from './state';

/** The operations of docs/portal-api.yaml that need no bearer token: answered before the token is checked. */
export const PUBLIC_ROUTES: Route[] = [
  { method: 'GET', path: '/health', handle: health },
  { method: 'POST', path: '/auth/token', handle: token },
  { method: 'POST', path: '/auth/refresh', handle: refresh },
];

/** The rest of docs/portal-api.yaml: reached only with a live bearer token. */
export const SECURED_ROUTES: Route[] = [
  { method: 'GET', path: '/beneficiaries/search', handle: search },
  { method: 'POST', path: '/biometric/auth/init', handle: authInit },
  { method: 'POST', path: '/biometric/auth/verify', handle: authVerify },
  { method: 'POST', path: '/registrations', handle: createRegistration },
  { method: 'GET', path: '/registrations/:id', handle: getRegistration },
  { method: 'POST', path: '/registrations/:id/cancel', handle: cancelRegistration },
];

function health({ res, state }: Exchange): void {
  const states = Object.entries(SIM_STATES).map(([code, { name }]) => ({ code, name, available: !state.isStateMissing(code) }));
  sendJson(res, 200, { status: state.faults.statesMissing.length ? 'degraded' : 'ok', time: state.now().toISOString(), states });
}

async function token({ req, res, state }: Exchange): Promise<void> {
  const body = (await readJson(req)) as { clientId?: unknown; clientSecret?: unknown };
  if (typeof body.clientId !== 'string' || typeof body.clientSecret !== 'string' || !body.clientId || !body.clientSecret)
    return sendApiError(res, 401, 'invalid_credentials', 'client id and secret are required');
  if (state.faults.credentialsRefused) return sendApiError(res, 401, 'invalid_credentials', 'this desk\'s credentials are not accepted');
  sendJson(res, 200, state.issueToken());
}

async function refresh({ req, res, state }: Exchange): Promise<void> {
  const body = (await readJson(req)) as { refreshToken?: unknown };
  if (typeof body.refreshToken !== 'string' || !state.redeemRefreshToken(body.refreshToken)) return sendApiError(res, 401, 'invalid_credentials', 'unknown refresh token');
  sendJson(res, 200, state.issueToken());
}

/** Why a secured request is refused before routing (unknown paths too), or null when its bearer token is live. */
export function bearerRefusal({ req, state }: Exchange): { status: number; code: string; message: string } | null {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const expiry = bearer ? state.tokenExpiry(bearer) : undefined;
  if (expiry === undefined || state.faults.credentialsRefused) return { status: 401, code: 'invalid_credentials', message: 'a bearer token is required' };
  if (expiry <= state.now().getTime()) return { status: 401, code: 'token_expired', message: 'the token has expired' };
  return null;
}

function search({ res, url, state }: Exchange): void {
  const query = validate(res, SearchQuery, Object.fromEntries(url.searchParams));
  if (!query) return;
  if (state.isStateMissing(query.state)) return sendApiError(res, 503, 'state_unavailable', `state ${query.state} is not available right now`);
  sendJson(res, 200, { families: state.search(query).map(publicFamily) });
}

/** What the portal shows of a family: never a full Aadhaar number or mobile. */
function publicFamily(f: SimFamily) {
  return {
    familyId: f.familyId,
    state: f.state,
    district: f.district,
    rationCard: f.rationCard,
    members: f.members.map((m) => ({ beneficiaryId: m.beneficiaryId, name: m.name, gender: m.gender, yearOfBirth: m.yearOfBirth, relation: m.relation, status: m.status, aadhaarLast4: m.aadhaar.slice(-4), mobileLast4: m.mobile.slice(-4) })),
  };
}

async function authInit({ req, res, state }: Exchange): Promise<void> {
  const body = validate(res, AuthInitRequest, await readJson(req));
  if (!body) return;
  const found = state.member(body.beneficiaryId);
  if (!found) return sendApiError(res, 422, 'beneficiary_not_found', 'no such beneficiary');
  const transactionId = state.startTransaction(body.beneficiaryId, body.authMode);
  sendJson(res, 200, { transactionId, ...(body.authMode === 'OTP' ? { otpSentTo: `XXXXXX${found.member.mobile.slice(-4)}` } : {}) });
}

async function authVerify({ req, res, state }: Exchange): Promise<void> {
  const body = validate(res, AuthVerifyRequest, await readJson(req));
  if (!body) return;
  if (!state.hasTransaction(body.transactionId)) return sendApiError(res, 422, 'verification_failed', 'unknown transaction');
  const answer = state.verify(body.transactionId, { pid: body.fingerPrintAuthPid ?? body.irisAuthPid ?? body.faceAuthPid, otp: body.otp });
  if (!answer) return sendApiError(res, 400, 'validation_failed', 'a PID block or an OTP is required');
  sendJson(res, 200, answer);
}

async function createRegistration({ req, res, state }: Exchange): Promise<void> {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || !/^[0-9a-f-]{36}$/i.test(key)) return sendApiError(res, 400, 'validation_failed', 'Idempotency-Key header (a UUID) is required', { field: 'Idempotency-Key' });
  const body = validate(res, RegistrationRequest, await readJson(req));
  if (!body) return;
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  // A known key answers from the record, before any rule that may have changed since (a state gone missing).
  const replayed = state.replay(key, requestHash);
  if (replayed === 'mismatch') return sendApiError(res, 422, 'idempotency_mismatch', 'this Idempotency-Key was used with another request');
  if (replayed) return sendJson(res, 200, replayed, { 'Idempotent-Replayed': 'true' });
  const refused = registrationRefusal(state, body);
  if (refused) return sendApiError(res, refused.status, refused.code, refused.message, { field: refused.field });
  sendJson(res, 201, state.register(key, body, requestHash));
}

/** The portal's rules for a new registration, in the order it checks them; null when it may be created. */
function registrationRefusal(state: SimState, body: RegistrationRequest): { status: number; code: string; message: string; field?: string } | null {
  if (state.isStateMissing(body.state)) return { status: 503, code: 'state_unavailable', message: `state ${body.state} is not available right now` };
  const found = state.member(body.beneficiaryId);
  if (!found) return { status: 422, code: 'beneficiary_not_found', message: 'no such beneficiary', field: 'beneficiaryId' };
  if (found.member.admittedElsewhere) return { status: 409, code: 'admitted_elsewhere', message: 'admitted in another hospital and not discharged' };
  if (state.now().getTime() - Date.parse(body.admittedAt) > 5 * 86_400_000) return { status: 422, code: 'backdate_limit', message: 'admission more than 5 days ago', field: 'admittedAt' };
  if (body.verification.method === 'CONFIRMED_WITHOUT_BIOMETRIC') {
    if (!body.verification.confirmedBy) return { status: 422, code: 'verification_failed', message: 'who confirmed continuing without biometrics?', field: 'verification.confirmedBy' };
  } else if (!state.isVerified(body.verification.transactionId)) {
    return { status: 422, code: 'verification_failed', message: 'no successful verification for this registration', field: 'verification.transactionId' };
  }
  return null;
}

function getRegistration({ res, params, state }: Exchange): void {
  const registration = state.registration(decodeURIComponent(params.id!));
  if (!registration) return sendApiError(res, 404, 'not_found', 'no such registration');
  sendJson(res, 200, registration);
}

async function cancelRegistration({ req, res, params, state }: Exchange): Promise<void> {
  const id = decodeURIComponent(params.id!);
  // An unknown registration is refused before its body is read.
  if (!state.hasRegistration(id)) return sendApiError(res, 404, 'not_found', 'no such registration');
  const reason = String(((await readJson(req)) as { reason?: unknown }).reason ?? 'cancelled by the hospital');
  sendJson(res, 200, state.cancel(id, reason));
}

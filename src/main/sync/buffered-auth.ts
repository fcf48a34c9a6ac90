import type { Message } from '../../shared/contract/common';
import { message } from '../base/message';
import type { PortalClient } from '../portal/client';
import type { StoredPayload } from './payload';
import { inTransaction, type Db } from '../storage/database';
import { openPid } from '../storage/pid-vault';
import { appendAudit } from '../storage/sql/audit';
import { clearBufferedPid, type DueEntry } from '../storage/sql/outbox';
import { savePayload } from '../storage/sql/registrations';

export interface BufferedAuthDeps {
  db: Db;
  client: PortalClient;
  pidKey: Buffer;
  now: () => Date;
}


/**
 * Buffered authentication: the patient was verified while the portal was down, and the capture's
 * sealed PID block rode in the outbox. Init (its transaction id kept at once, so a crash retries
 * the same one), then verify. Verified: the PID block is deleted in the same transaction that
 * records it, and `payload` now carries the transaction id. Returns the reason when the patient
 * must be verified again; portal failures are thrown for the engine to classify.
 */
export async function verifyBuffered(deps: BufferedAuthDeps, entry: DueEntry, payload: StoredPayload): Promise<Message | null> {
  const { db, client, pidKey } = deps;
  const iso = () => deps.now().toISOString();
  const buffered = payload.buffered!;
  if (!entry.pid) return message('sync.reason.pidMissing');
  if (entry.pidExpiresAt && entry.pidExpiresAt <= iso()) return message('sync.reason.pidExpired');
  let pidBase64: string;
  try {
    pidBase64 = openPid(entry.pid, pidKey, entry.outboxId, deps.now()).toBase64();
  } catch {
    return message('sync.reason.pidMissing');
  }
  if (!buffered.transactionId) {
    const { transactionId } = await client.authInit({ beneficiaryId: payload.request.beneficiaryId, authMode: buffered.authMode, ...(buffered.familyMemberId ? { familyMemberId: buffered.familyMemberId } : {}) }, 'Registration');
    buffered.transactionId = transactionId;
    inTransaction(db, () => savePayload(db, entry.registrationId, payload, iso()));
  }
  const field = buffered.authMode === 'IRIS' ? 'irisAuthPid' : buffered.authMode === 'FACE' ? 'faceAuthPid' : 'fingerPrintAuthPid';
  const result = await client.authVerify({ transactionId: buffered.transactionId, [field]: pidBase64 });
  if (!result.verified) return message(result.reason === 'pid-too-old' ? 'sync.reason.pidTooOld' : result.reason === 'duplicate' ? 'sync.reason.pidDuplicate' : 'sync.reason.noMatch');
  const done: StoredPayload = { request: { ...payload.request, verification: { ...payload.request.verification, transactionId: buffered.transactionId } }, buffered: null };
  inTransaction(db, () => {
    savePayload(db, entry.registrationId, done, iso());
    clearBufferedPid(db, entry.outboxId, iso());
    appendAudit(db, { actor: 'sync', action: 'verified-buffered', subject: entry.registrationId, detail: { mode: buffered.authMode } }, iso());
  });
  payload.request = done.request;
  payload.buffered = null;
  return null;
}

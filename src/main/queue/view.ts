import { Message } from '../../shared/contract/common';
import { RegistrationState, type DeskHold, type QueueEntry, type QueueSummary } from '../../shared/contract/queue';
import type { Db } from '../storage/database';
import { auditFor } from '../storage/sql/audit';
import { attemptsFor } from '../storage/sql/attempts';
import { cancelledByPortal, countsByState, listedRegistration, lastDeliveryAt, listRegistrations, watchedSummary, type ListedRegistration } from '../storage/sql/registrations';
import { oldestPendingAt } from '../storage/sql/outbox';

/*
 * Rows become contract shapes here, and nothing a row holds can break a read: a time in any
 * offset (or no time at all) and a message that is not one are made safe, so one odd row written
 * by an older version or a hostile portal never takes the whole queue screen down.
 */

const EPOCH = new Date(0).toISOString();

/** A stored time as the contract's UTC date-time, or null when it is not a time. */
function utcOrNull(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const MESSAGE_KEY = /^[A-Za-z][A-Za-z0-9_.]{0,80}$/;

/** A stored message, or null when the text is not a message with a plain key. */
function messageOrNull(text: string | null): Message | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = Message.safeParse(value);
  return parsed.success && MESSAGE_KEY.test(parsed.data.key) ? parsed.data : null;
}

/** One registration as the queue screen shows it, with its history (send attempts and audited actions). */
export function toEntry(db: Db, row: ListedRegistration): QueueEntry {
  const attempts = attemptsFor(db, row.id).map((a) => ({ at: utcOrNull(a.at) ?? EPOCH, event: `attempt-${a.outcome}`, message: messageOrNull(a.message) }));
  const actions = auditFor(db, row.id).map((a) => ({ at: utcOrNull(a.at) ?? EPOCH, event: a.action, message: null }));
  const active = row.state === 'registered' && (row.portalStatus ?? 'active') === 'active';
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    patientName: row.patient.name,
    beneficiaryId: row.beneficiaryId,
    aadhaarLast4: row.aadhaarLast4,
    createdAt: utcOrNull(row.createdAt) ?? EPOCH,
    updatedAt: utcOrNull(row.updatedAt) ?? EPOCH,
    attempts: row.attempts ?? 0,
    nextAttemptAt: row.state === 'queued' ? utcOrNull(row.nextAttemptAt) : null,
    lastError: row.state === 'queued' || row.state === 'needs-action' || row.state === 'sending' ? messageOrNull(row.lastError) : null,
    portalRef: row.portalNumber,
    portalStatus: row.portalStatus,
    expiresAt: active ? utcOrNull(row.expiresAt) : null,
    cancelledReason: row.cancelledReason,
    resubmittedFrom: row.resubmittedFrom,
    resubmittedAs: row.resubmittedAs,
    history: [...attempts, ...actions].sort((a, b) => a.at.localeCompare(b.at)),
  };
}

export function listEntries(db: Db, state: QueueEntry['state'] | undefined, limit: number): QueueEntry[] {
  return listRegistrations(db, state, limit).map((row) => toEntry(db, row));
}

export function entryById(db: Db, id: string): QueueEntry | undefined {
  const row = listedRegistration(db, id);
  return row ? toEntry(db, row) : undefined;
}

export function summarise(db: Db, portal: QueueSummary['portal'], hold: DeskHold | null): QueueSummary {
  const counts = Object.fromEntries(RegistrationState.options.map((state) => [state, 0])) as QueueSummary['counts'];
  for (const [state, n] of Object.entries(countsByState(db))) if (Object.hasOwn(counts, state)) counts[state as keyof typeof counts] = n;
  const watched = watchedSummary(db).flatMap((w) => {
    const expiresAt = utcOrNull(w.expiresAt);
    return expiresAt ? [{ ...w, expiresAt }] : [];
  });
  return { counts, oldestPendingAt: utcOrNull(oldestPendingAt(db)), portal, hold, lastDeliveryAt: utcOrNull(lastDeliveryAt(db)), cancelled: cancelledByPortal(db), watched };
}

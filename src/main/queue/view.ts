import type { Message } from '../../shared/contract/common';
import { RegistrationState, type QueueEntry, type QueueSummary } from '../../shared/contract/queue';
import type { Db } from '../storage/database';
import { auditFor } from '../storage/sql/audit';
import { attemptsFor, cancelledByPortal, countsByState, lastDeliveryAt, listRegistrations, oldestPendingAt, watchedSummary, type ListedRow } from '../storage/sql/queue';

const parseMessage = (text: string | null): Message | null => (text ? (JSON.parse(text) as Message) : null);

/** One registration as the queue screen shows it, with its history (send attempts and audited actions). */
export function toEntry(db: Db, row: ListedRow): QueueEntry {
  const attempts = attemptsFor(db, row.id).map((a) => ({ at: a.at, event: `attempt-${a.outcome}`, message: parseMessage(a.message) }));
  const actions = auditFor(db, row.id).map((a) => ({ at: a.at, event: a.action, message: null }));
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    patientName: row.patient_name,
    beneficiaryId: row.beneficiary_id,
    aadhaarLast4: row.aadhaar_last4,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    attempts: row.attempts ?? 0,
    nextAttemptAt: row.state === 'queued' ? row.next_attempt_at : null,
    lastError: row.state === 'queued' || row.state === 'needs-action' || row.state === 'sending' ? parseMessage(row.last_error) : null,
    portalRef: row.portal_number,
    portalStatus: row.portal_status,
    expiresAt: row.state === 'registered' && (row.portal_status ?? 'active') === 'active' ? row.expires_at : null,
    resubmittedFrom: row.resubmitted_from,
    resubmittedAs: row.resubmitted_as,
    history: [...attempts, ...actions].sort((a, b) => a.at.localeCompare(b.at)),
  };
}

export function listEntries(db: Db, state: QueueEntry['state'] | undefined, limit: number): QueueEntry[] {
  return listRegistrations(db, state, limit).map((row) => toEntry(db, row));
}

export function entryById(db: Db, id: string): QueueEntry | undefined {
  const row = (db.prepare(`SELECT r.*, p.name AS patient_name, p.beneficiary_id, p.aadhaar_last4, o.attempts, o.next_attempt_at, o.state AS outbox_state,
      (SELECT n.id FROM registrations n WHERE n.resubmitted_from = r.id) AS resubmitted_as
      FROM registrations r JOIN patients p ON p.id = r.patient_id LEFT JOIN outbox o ON o.registration_id = r.id WHERE r.id = ?`).get(id)) as ListedRow | undefined;
  return row ? toEntry(db, row) : undefined;
}

export function summarise(db: Db, portal: QueueSummary['portal']): QueueSummary {
  const counts = Object.fromEntries(RegistrationState.options.map((state) => [state, 0])) as QueueSummary['counts'];
  Object.assign(counts, countsByState(db));
  return { counts, oldestPendingAt: oldestPendingAt(db), portal, lastDeliveryAt: lastDeliveryAt(db), cancelled: cancelledByPortal(db), watched: watchedSummary(db) };
}

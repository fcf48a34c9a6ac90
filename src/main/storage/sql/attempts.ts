import type { Message } from '../../../shared/contract/common';
import type { Db } from '../database';

/** One send attempt of an outbox entry, kept for the entry's history (never a PID block). */
export interface NewAttempt {
  outboxId: string;
  at: string;
  outcome: string;
  httpStatus?: number | null;
  errorCode?: string | null;
  message?: Message | null;
  durationMs?: number | null;
}

export function recordAttempt(db: Db, a: NewAttempt): void {
  db.prepare('INSERT INTO attempts (outbox_id, at, outcome, http_status, error_code, message, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    a.outboxId,
    a.at,
    a.outcome,
    a.httpStatus ?? null,
    a.errorCode ?? null,
    a.message ? JSON.stringify(a.message) : null,
    a.durationMs ?? null,
  );
}

export interface Attempt {
  at: string;
  outcome: string;
  httpStatus: number | null;
  errorCode: string | null;
  /** JSON: the attempt's message. */
  message: string | null;
}

export function attemptsFor(db: Db, registrationId: string): Attempt[] {
  return db
    .prepare<[string], Attempt>(
      `SELECT a.at, a.outcome, a.http_status AS httpStatus, a.error_code AS errorCode, a.message
         FROM attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.registration_id = ? ORDER BY a.id`,
    )
    .all(registrationId);
}

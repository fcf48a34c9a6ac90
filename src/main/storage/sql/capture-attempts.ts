import type { AttemptRecord } from '../../../shared/contract/device';
import type { Db } from '../database';

/** Capture attempt history: time, finger, errCode, quality, minutiae, outcome. Never a PID block. */
export function insertCaptureAttempt(db: Db, sessionId: string, attempt: AttemptRecord): void {
  db.prepare('INSERT INTO capture_attempts (session_id, at, finger, err_code, q_score, nm_points, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    sessionId,
    attempt.at,
    attempt.finger,
    attempt.errCode,
    attempt.qScore,
    attempt.nmPoints,
    attempt.outcome,
  );
}

import type { Db } from '../database';

/** What a database (or a backup of it) holds, enough to tell copies apart and an empty one from a full one. */
export interface BackupContent {
  registrations: number;
  lastAudit: number;
  lastAttempt: number;
  lastUpdate: string | null;
}

export function backupContent(db: Db): BackupContent {
  return (
    db
      .prepare<[], BackupContent>(
        `SELECT (SELECT COUNT(*) FROM registrations) AS registrations, (SELECT COALESCE(MAX(id), 0) FROM audit_log) AS lastAudit,
                (SELECT COALESCE(MAX(id), 0) FROM attempts) AS lastAttempt, (SELECT MAX(updated_at) FROM registrations) AS lastUpdate`,
      )
      .get() ?? { registrations: 0, lastAudit: 0, lastAttempt: 0, lastUpdate: null }
  );
}

/** A real, tiny write: whether the database takes writes now (lock released, disk freed). */
export function touchStoreCheck(db: Db, at: string): void {
  db.prepare('INSERT INTO store_check (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at').run(at);
}

/**
 * A PID block was just deleted: with secure_delete its old pages are zeroed in the database file,
 * and this truncates the WAL so no copy stays in the log either.
 */
export function truncateWal(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

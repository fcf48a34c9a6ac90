import type { Db } from '../database';

export interface AuditEntry {
  actor: string;
  action: string;
  subject?: string;
  detail?: Record<string, unknown>;
}

/** Append to the audit log (the table refuses updates and deletes). */
export function appendAudit(db: Db, entry: AuditEntry, at: string): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)').run(at, entry.actor, entry.action, entry.subject ?? null, entry.detail ? JSON.stringify(entry.detail) : null);
}

/** An audit entry as read back (its detail is JSON, as written). */
export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

export function auditFor(db: Db, subject: string): AuditRecord[] {
  return db.prepare<[string], AuditRecord>('SELECT id, at, actor, action, subject, detail FROM audit_log WHERE subject = ? ORDER BY id').all(subject);
}

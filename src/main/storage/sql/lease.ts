import type { Db } from '../database';

/**
 * Only one sync engine may send from a data directory at a time (the app, or `mitra-desk sync`).
 * The lease is a row with a holder, its process id and an expiry; a holder whose process is gone
 * loses it at once, so a killed sync is replaced without waiting out the expiry.
 */
export function acquireLease(db: Db, holder: string, ttlMs: number, now: Date): boolean {
  return db.transaction(() => {
    const row = db.prepare<[], { holder: string; pid: number; expiresAt: string }>('SELECT holder, pid, expires_at AS expiresAt FROM sync_lease WHERE id = 1').get();
    const free = !row || row.holder === holder || row.expiresAt <= now.toISOString() || !processAlive(row.pid);
    if (!free) return false;
    db.prepare(
      `INSERT INTO sync_lease (id, holder, pid, expires_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, expires_at = excluded.expires_at`,
    ).run(holder, process.pid, new Date(now.getTime() + ttlMs).toISOString());
    return true;
  }).immediate();
}

export function releaseLease(db: Db, holder: string): void {
  db.prepare('DELETE FROM sync_lease WHERE id = 1 AND holder = ?').run(holder);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

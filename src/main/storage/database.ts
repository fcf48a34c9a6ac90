import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logging/logger';
import { StoreError, toStoreError } from './errors';
import { migrate } from './migrations';
import { CLEAR_PID } from './sql/queue';

export type Db = Database.Database;

export interface OpenOptions {
  file: string;
  log: Logger;
  /** How long to wait for another connection's lock before reporting "locked". */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Open the one database file: WAL (readers never block the writer), synchronous=FULL (a commit
 * survives power loss), foreign keys on, an integrity check, then the migrations. Every failure
 * becomes a StoreError naming the problem; a damaged file is left exactly as it is.
 */
export function openDatabase({ file, log, busyTimeoutMs = 5_000, readonly = false }: OpenOptions): Db {
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
    if (!readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Deleted content (a PID block once sent) is overwritten with zeros, not left in free pages.
    db.pragma('secure_delete = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreError('corrupt', `database ${file} failed its integrity check: ${String(check).slice(0, 200)}`, { file });
    if (!readonly) {
      const { from, to } = migrate(db, file);
      if (from !== to) log.info(`database migrated from schema ${from} to ${to}`);
    }
    return db;
  } catch (error) {
    db?.close();
    throw toStoreError(error, file);
  }
}

/** Run `work` in one transaction; SQLite failures become StoreErrors, and nothing partial is kept. */
export function inTransaction<T>(db: Db, work: () => T): T {
  try {
    return db.transaction(work).immediate();
  } catch (error) {
    throw toStoreError(error, db.name);
  }
}

/** A read or single statement, with the same error mapping. */
export function guarded<T>(db: Db, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toStoreError(error, db.name);
  }
}

/**
 * Copy the database at start-up into backups/ (online backup API, safe while in use), scrub any
 * buffered PID block from the copy, and keep the newest `keep` copies.
 */
export async function backupOnStart(db: Db, backupsDir: string, log: Logger, keep = 5, now = new Date()): Promise<string | null> {
  mkdirSync(backupsDir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = join(backupsDir, `${basename(db.name, '.db')}-${stamp}.db`);
  try {
    await db.backup(target);
    const copy = new Database(target);
    try {
      copy.exec(`UPDATE outbox SET ${CLEAR_PID} WHERE pid_ciphertext IS NOT NULL`);
      copy.exec('VACUUM');
    } finally {
      copy.close();
    }
  } catch (error) {
    rmSync(target, { force: true });
    log.warn('start-up backup failed; carrying on without it', toStoreError(error, db.name));
    return null;
  }
  const copies = readdirSync(backupsDir)
    .filter((name) => name.endsWith('.db'))
    .sort();
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) rmSync(join(backupsDir, old), { force: true });
  return target;
}

/** The newest backup, for the message shown when the database is damaged. */
export function latestBackup(backupsDir: string): string | null {
  if (!existsSync(backupsDir)) return null;
  const copies = readdirSync(backupsDir).filter((name) => name.endsWith('.db')).sort();
  return copies.length ? join(backupsDir, copies.at(-1)!) : null;
}

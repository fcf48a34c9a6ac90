import Database from 'better-sqlite3';
import type { Logger } from '../logging/logger';
import { StoreError, toStoreError } from './errors';
import { migrate } from './migrations';

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

/**
 * A second connection to an open database for background work (sending, the lease, the
 * watchdog, storage checks). better-sqlite3 waits for another program's lock synchronously, so
 * background work waits only `busyTimeoutMs` and tries again later: the kiosk's screen never
 * freezes for seconds behind a lock held by, say, a large paper import. The operator's own writes
 * keep the first connection's longer wait.
 */
export function openBackgroundConnection(db: Db, busyTimeoutMs = 250): Db {
  try {
    const background = new Database(db.name, { fileMustExist: true, timeout: busyTimeoutMs });
    background.pragma('synchronous = FULL');
    background.pragma('foreign_keys = ON');
    background.pragma('secure_delete = ON');
    return background;
  } catch (error) {
    throw toStoreError(error, db.name);
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

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { backupOnStart, bestBackup, latestBackup } from './backups';
import { openDatabase, type Db } from './database';
import { StoreError } from './errors';
import { backupContent } from './sql/maintenance';

export interface StorePaths {
  dataDir: string;
  database: string;
  backups: string;
}

/**
 * Open the desk's database as the app and the CLI do at start: the data folder and database
 * files private to this user (0700/0600, the WAL and shared-memory files inherit the mode), an
 * integrity check and the migrations, a database that was emptied or deleted reported like a
 * damaged one (never silently re-created while a backup holds registrations), the retired Aadhaar
 * hash key destroyed, and a backup.
 */
export async function openStore(paths: StorePaths, log: Logger, options: { backup?: boolean; now?: Date } = {}): Promise<Db> {
  mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  const existed = existsSync(paths.database) && statSync(paths.database).size > 0;
  if (!existsSync(paths.database)) closeSync(openSync(paths.database, 'wx', 0o600));
  for (const file of [paths.database, `${paths.database}-wal`, `${paths.database}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  let db: Db;
  try {
    db = openDatabase({ file: paths.database, log: log.scope('store') });
  } catch (error) {
    // A damaged database stays as it is; say where the last good copy is.
    const backup = error instanceof StoreError && error.problem === 'corrupt' ? latestBackup(paths.backups) : null;
    if (backup) throw new StoreError('corrupt', `${error instanceof Error ? error.message : String(error)}; the newest backup is ${backup}`, { file: paths.database, backup }, error);
    throw error;
  }
  try {
    refuseEmptied(db, existed, paths);
  } catch (error) {
    db.close();
    throw error;
  }
  retireAadhaarKey(paths.dataDir, log);
  if (options.backup !== false) await backupOnStart(db, paths.backups, log.scope('store'), options.now);
  return db;
}

/**
 * A database with no history while a backup holds registrations was deleted, emptied or replaced:
 * starting on it would hide every waiting registration. Stop, and name the backup to restore.
 */
function refuseEmptied(db: Db, existed: boolean, paths: StorePaths): void {
  const content = backupContent(db);
  if (content.registrations > 0 || content.lastAudit > 0) return;
  const backup = bestBackup(paths.backups);
  if (!backup) return;
  const how = existed ? 'holds no registrations' : 'is missing or empty';
  throw new StoreError('emptied', `database ${paths.database} ${how}, but the backup ${backup.file} holds ${backup.registrations} registration(s); restore it (or move the backups folder away to start afresh)`, {
    file: paths.database,
    backup: backup.file,
    count: backup.registrations,
  });
}

/**
 * Older versions kept a keyed hash of each Aadhaar number with its key beside the database. The
 * hashes are gone (migration 2); overwrite the key before deleting it, so no copy of the folder
 * made from now on can undo even old backups' hashes.
 */
function retireAadhaarKey(dataDir: string, log: Logger): void {
  const file = join(dataDir, 'keys', 'aadhaar-hmac.key');
  if (!existsSync(file)) return;
  try {
    const fd = openSync(file, 'r+');
    try {
      writeSync(fd, randomBytes(Math.max(64, statSync(file).size)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(file, { force: true });
    log.info('retired the Aadhaar hash key: Mitra Desk keeps only the last 4 digits of an Aadhaar number');
  } catch (error) {
    log.warn('could not remove the retired Aadhaar hash key', error);
  }
}

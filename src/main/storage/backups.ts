import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logging/logger';
import type { Db } from './database';
import { toStoreError } from './errors';
import { CLEAR_PID } from './sql/outbox';
import { backupContent, type BackupContent } from './sql/maintenance';

/** A backup on disk, with what it holds. */
export interface BackupInfo extends BackupContent {
  file: string;
  /** When it was made (from its name). */
  at: Date;
}

export interface BackupPolicy {
  /** The newest this many are always kept. */
  keepNewest: number;
  /** And the newest of each day for this many days. */
  keepDays: number;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = { keepNewest: 5, keepDays: 14 };

const NAME = /^(.+)-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.db$/;

function stampOf(name: string): Date | null {
  const match = NAME.exec(name);
  return match ? new Date(`${match[2]}T${match[3]}:${match[4]}:${match[5]}.${match[6]}Z`) : null;
}

/**
 * Every backup in `dir`, newest first, with its content; an unreadable one is marked so. A name
 * stamped in the future (a clock that was wrong once) counts by the file's own time instead.
 */
export function listBackups(dir: string, now = new Date()): (BackupInfo | { file: string; at: Date; unreadable: true })[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => {
      const stamp = stampOf(name);
      if (stamp && stamp.getTime() > now.getTime() + 60_000) return { name, at: statSync(join(dir, name)).mtime };
      return { name, at: stamp };
    })
    .filter((entry): entry is { name: string; at: Date } => entry.at !== null)
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map(({ name, at }) => {
      const file = join(dir, name);
      const content = readBackup(file);
      return content ? { file, at, ...content } : { file, at, unreadable: true as const };
    });
}

function readBackup(file: string): BackupContent | null {
  let copy: Db | undefined;
  try {
    copy = new Database(file, { readonly: true, fileMustExist: true });
    return backupContent(copy);
  } catch {
    return null;
  } finally {
    copy?.close();
  }
}

/**
 * The backup to restore: the one holding the most history (the audit log only grows), the newest
 * among equals. Not simply the newest: an emptied database's own backups are newer and hold nothing.
 */
export function bestBackup(dir: string): BackupInfo | null {
  return mostHistory(listBackups(dir).filter((b) => !('unreadable' in b) && b.registrations > 0));
}

/** The readable backup with the most history (the audit log only grows); the newest among equals, as lists come newest first. */
function mostHistory(backups: ReturnType<typeof listBackups>): BackupInfo | null {
  const readable = backups.filter((b): b is BackupInfo => !('unreadable' in b));
  return readable.reduce<BackupInfo | null>((best, b) => (best === null || b.lastAudit > best.lastAudit ? b : best), null);
}

/** For the message shown when the database is damaged: the best backup, or the newest file at all. */
export function latestBackup(dir: string): string | null {
  return bestBackup(dir)?.file ?? listBackups(dir)[0]?.file ?? null;
}

/**
 * Copy the database at start-up into backups/ (online backup API, safe while in use), scrub any
 * buffered PID block from the copy, then rotate by age and content: a copy identical to the
 * newest one is not kept; the newest few, the newest of each recent day, the newest that holds
 * any registration and the one with the most history always stay. So restarts never rotate the
 * last good copy away, and empty copies can never be all that is left.
 */
export async function backupOnStart(db: Db, dir: string, log: Logger, now = new Date(), policy: BackupPolicy = DEFAULT_BACKUP_POLICY): Promise<string | null> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = join(dir, `${basename(db.name, '.db')}-${stamp}.db`);
  const existing = listBackups(dir, now);
  const previous = existing[0];
  const content = backupContent(db);
  try {
    await db.backup(target);
    chmodSync(target, 0o600);
    const copy = new Database(target);
    try {
      copy.exec(`UPDATE outbox SET ${CLEAR_PID} WHERE pid_ciphertext IS NOT NULL`);
      // One self-contained file: no WAL beside it, so reading it later leaves nothing behind.
      copy.pragma('journal_mode = DELETE');
      copy.exec('VACUUM');
    } finally {
      copy.close();
    }
  } catch (error) {
    rmSync(target, { force: true });
    log.warn('start-up backup failed; carrying on without it', toStoreError(error, db.name));
    return null;
  }
  if (previous && !('unreadable' in previous) && sameContent(previous, content)) {
    rmSync(target, { force: true });
    return previous.file;
  }
  rotate([{ file: target, at: now, ...content }, ...existing], now, policy, log);
  return target;
}

function sameContent(a: BackupContent, b: BackupContent): boolean {
  return a.registrations === b.registrations && a.lastAudit === b.lastAudit && a.lastAttempt === b.lastAttempt && a.lastUpdate === b.lastUpdate;
}

/** Keep what the policy says of `all` (newest first), delete the rest. */
function rotate(all: ReturnType<typeof listBackups>, now: Date, policy: BackupPolicy, log: Logger): void {
  const keep = new Set(all.slice(0, policy.keepNewest).map((b) => b.file));
  const days = new Set<string>();
  for (const backup of all) {
    const day = backup.at.toISOString().slice(0, 10);
    if (now.getTime() - backup.at.getTime() >= policy.keepDays * 86_400_000 || days.has(day)) continue;
    days.add(day);
    keep.add(backup.file);
  }
  const withData = all.find((b) => !('unreadable' in b) && b.registrations > 0);
  if (withData) keep.add(withData.file);
  const richest = mostHistory(all);
  if (richest) keep.add(richest.file);
  for (const backup of all) {
    if (keep.has(backup.file)) continue;
    rmSync(backup.file, { force: true });
    log.info(`removed old backup ${basename(backup.file)}`);
  }
}

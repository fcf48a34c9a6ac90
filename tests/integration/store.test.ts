import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { silentLogger } from '../../src/main/logging/logger';
import { standaloneQueue } from '../../src/main/queue/service';
import { backupOnStart, openDatabase, type Db } from '../../src/main/storage/database';
import { StoreError } from '../../src/main/storage/errors';
import { LATEST_VERSION } from '../../src/main/storage/migrations';
import { generateFamilies, registrableMembers } from '../../src/main/portal/simulator/data';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
const members = registrableMembers(generateFamilies(11), 'UP');

function service(db: Db, dataDir: string) {
  return standaloneQueue({ db, dataDir, hospital: { code: 'H-1', state: 'UP' }, log: silentLogger });
}

const input = (i: number) =>
  RegistrationInput.parse({
    kind: 'inpatient',
    patient: { beneficiaryId: members[i]!.beneficiaryId, name: members[i]!.name, state: 'UP', aadhaar: members[i]!.aadhaar },
    admittedAt: new Date().toISOString(),
    verification: { method: 'none-confirmed', confirmedBy: 'Dr. Rao' },
  });

function storeError(run: () => unknown): StoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('the local store', () => {
  it('opens with WAL, synchronous=FULL, foreign keys and the latest schema; reopening changes nothing', () => {
    const file = join(tempDir(), 'mitra-desk.db');
    const db = openDatabase({ file, log: silentLogger });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    db.close();
    const again = openDatabase({ file, log: silentLogger });
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    again.close();
  });

  it('refuses a database from a newer version instead of damaging it', () => {
    const file = join(tempDir(), 'mitra-desk.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(storeError(() => openDatabase({ file, log: silentLogger })).problem).toBe('too-new');
  });

  it('writes a registration and its outbox entry in one transaction, or neither', () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    const queue = service(db, dir);
    queue.add(input(0));
    db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox WHEN (SELECT COUNT(*) FROM outbox) >= 1 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    expect(() => queue.add(input(1))).toThrow();
    const counts = db.prepare('SELECT (SELECT COUNT(*) FROM registrations) AS r, (SELECT COUNT(*) FROM outbox) AS o, (SELECT COUNT(*) FROM audit_log) AS a').get();
    expect(counts).toEqual({ r: 1, o: 1, a: 1 });
    // A batch (paper import) is all or nothing too.
    expect(() => queue.record([input(2), input(3)], 'import')).toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM registrations').get()).toEqual({ n: 1 });
    db.close();
  });

  it('a locked database gives a clear error and loses nothing; it works again once released', () => {
    const dir = tempDir();
    const file = join(dir, 'mitra-desk.db');
    const db = openDatabase({ file, log: silentLogger, busyTimeoutMs: 100 });
    const queue = service(db, dir);
    queue.add(input(0));
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    const error = storeError(() => queue.add(input(1)));
    expect(error).toMatchObject({ problem: 'locked', code: 'store_locked', messageKey: 'store.locked' });
    other.exec('ROLLBACK');
    other.close();
    queue.add(input(1));
    expect(queue.summary().counts.queued).toBe(2);
    db.close();
  });

  it('a damaged file is reported and left exactly as it was', () => {
    const dir = tempDir();
    const file = join(dir, 'mitra-desk.db');
    const db = openDatabase({ file, log: silentLogger });
    service(db, dir).add(input(0));
    db.close();
    const bytes = readFileSync(file);
    bytes.write('this is not an sqlite database', 0);
    writeFileSync(file, bytes);
    const error = storeError(() => openDatabase({ file, log: silentLogger }));
    expect(error).toMatchObject({ problem: 'corrupt', messageKey: 'store.corrupt', params: { file } });
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('a full disk refuses the new registration cleanly and keeps everything committed before', () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    const queue = service(db, dir);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 4}`);
    let saved = 0;
    let error: StoreError | undefined;
    for (let i = 0; i < members.length && !error; i++) {
      try {
        queue.add(input(i));
        saved++;
      } catch (e) {
        error = e as StoreError;
      }
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ problem: 'full', messageKey: 'store.full' });
    expect(saved).toBeGreaterThan(0);
    const counts = db.prepare('SELECT (SELECT COUNT(*) FROM registrations) AS r, (SELECT COUNT(*) FROM outbox) AS o').get();
    expect(counts).toEqual({ r: saved, o: saved });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('keeps Aadhaar only as the last 4 digits: no hash from which the number could be recovered', () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    service(db, dir).add(input(0));
    const patient = db.prepare('SELECT * FROM patients').get() as Record<string, unknown>;
    expect(patient.aadhaar_last4).toBe(members[0]!.aadhaar.slice(-4));
    expect(Object.keys(patient).filter((column) => /aadhaar/.test(column))).toEqual(['aadhaar_last4']);
    expect(existsSync(join(dir, 'keys', 'aadhaar-hmac.key'))).toBe(false);
    expect(() => db.prepare(`UPDATE patients SET aadhaar_last4 = '12345678'`).run()).toThrow(/CHECK/);
    db.close();
    for (const name of readdirSync(dir)) if (name.startsWith('mitra-desk.db')) expect(readFileSync(join(dir, name)).includes(members[0]!.aadhaar)).toBe(false);
  });

  it('backs up at start-up without any buffered PID block, keeping the newest five', async () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    service(db, dir).add(input(0));
    db.prepare('UPDATE outbox SET pid_ciphertext = ?, pid_iv = ?, pid_tag = ?, pid_expires_at = ?').run(Buffer.alloc(64, 7), Buffer.alloc(12), Buffer.alloc(16), new Date().toISOString());
    const backups = join(dir, 'backups');
    let last: string | null = null;
    for (let i = 0; i < 7; i++) last = await backupOnStart(db, backups, silentLogger, 5, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
    expect(readdirSync(backups)).toHaveLength(5);
    expect(existsSync(last!)).toBe(true);
    const copy = new Database(last!, { readonly: true });
    expect(copy.prepare('SELECT COUNT(*) AS n FROM registrations').get()).toEqual({ n: 1 });
    expect(copy.prepare('SELECT COUNT(*) AS n FROM outbox WHERE pid_ciphertext IS NOT NULL').get()).toEqual({ n: 0 });
    copy.close();
    db.close();
  });
});

describe('start-up with a damaged database', () => {
  it('names the newest backup and leaves the damaged file alone', async () => {
    const { openStore } = await import('../../src/main/queue/start');
    const dir = tempDir();
    const db = await openStore(dir, silentLogger); // first start: creates and backs up
    service(db, dir).add(input(0));
    db.close();
    const file = join(dir, 'mitra-desk.db');
    writeFileSync(file, Buffer.alloc(8192, 0x41));
    const error = await openStore(dir, silentLogger).catch((e: unknown) => e as StoreError);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/damaged; the newest backup is .*backups\/mitra-desk-.*\.db$/);
    expect(readFileSync(file).equals(Buffer.alloc(8192, 0x41))).toBe(true);
  });
});

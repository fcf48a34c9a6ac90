import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { silentLogger } from '../../src/main/logging/logger';
import { standaloneQueue } from '../../src/main/queue/service';
import { backupOnStart, listBackups } from '../../src/main/storage/backups';
import { openDatabase, type Db } from '../../src/main/storage/database';
import { openStore } from '../../src/main/storage/open-store';
import { dataPaths } from '../../src/main/config/paths';
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

  it('backs up at start-up without any buffered PID block; a copy identical to the newest is not kept', async () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    service(db, dir).add(input(0));
    db.prepare('UPDATE outbox SET pid_ciphertext = ?, pid_iv = ?, pid_tag = ?, pid_expires_at = ?').run(Buffer.alloc(64, 7), Buffer.alloc(12), Buffer.alloc(16), new Date().toISOString());
    const backups = join(dir, 'backups');
    const first = await backupOnStart(db, backups, silentLogger, new Date(Date.UTC(2026, 0, 1, 0, 0, 0)));
    // Five more starts with nothing new: still the one copy, not five rotations.
    for (let i = 1; i <= 5; i++) expect(await backupOnStart(db, backups, silentLogger, new Date(Date.UTC(2026, 0, 1, 0, 0, i)))).toBe(first);
    expect(readdirSync(backups)).toHaveLength(1);
    const copy = new Database(first!, { readonly: true });
    expect(copy.prepare('SELECT COUNT(*) AS n FROM registrations').get()).toEqual({ n: 1 });
    expect(copy.prepare('SELECT COUNT(*) AS n FROM outbox WHERE pid_ciphertext IS NOT NULL').get()).toEqual({ n: 0 });
    copy.close();
    db.close();
  });

  it('rotates by age and content: the newest five, one a day for two weeks, and never only empty copies', async () => {
    const dir = tempDir();
    const backups = join(dir, 'backups');
    const full = openDatabase({ file: join(dir, 'full.db'), log: silentLogger });
    const queue = service(full, dir);
    const day = (d: number, s = 0) => new Date(Date.UTC(2026, 0, d, 9, 0, s));
    // Twenty days of work, one registration a day, then the database is replaced by an empty one.
    for (let d = 1; d <= 20; d++) {
      queue.add({ ...input(d % 8), admittedAt: new Date().toISOString() });
      await backupOnStart(full, backups, silentLogger, day(d));
    }
    const kept = listBackups(backups);
    const days = kept.map((b) => b.at.getUTCDate());
    expect(days.slice(0, 5)).toEqual([20, 19, 18, 17, 16]);
    expect(days).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7]); // one a day for 14 days
    const empty = openDatabase({ file: join(dir, 'full.db'.replace('full', 'empty')), log: silentLogger });
    for (let s = 0; s < 8; s++) {
      empty.prepare('INSERT INTO audit_log (at, actor, action) VALUES (?, ?, ?)').run(day(21, s).toISOString(), 'test', `restart ${s}`);
      await backupOnStart(empty, backups, silentLogger, day(21, s));
    }
    const after = listBackups(backups);
    expect(after.some((b) => 'registrations' in b && b.registrations === 20)).toBe(true);
    full.close();
    empty.close();
  });

  it('keeps the database, its WAL and its backups private to this user', async () => {
    const dataDir = join(tempDir(), 'data');
    const db = await openStore({ dataDir, ...dataPaths(dataDir) }, silentLogger);
    service(db, dataDir).add(input(0));
    const mode = (file: string) => statSync(file).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'mitra-desk.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'mitra-desk.db-wal'))).toBe(0o600);
    expect(mode(join(dataDir, 'mitra-desk.db-shm'))).toBe(0o600);
    expect(mode(join(dataDir, 'backups'))).toBe(0o700);
    db.close();
  });

  it('the queue screen reads history and links through indexes, not table scans', () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan(`SELECT * FROM audit_log WHERE subject = 'x' ORDER BY id`)).toMatch(/USING INDEX audit_log_subject/);
    expect(plan(`SELECT n.id FROM registrations n WHERE n.resubmitted_from = 'x'`)).toMatch(/USING (COVERING )?INDEX registrations_resubmitted_from/);
    db.close();
  });
});

describe('start-up with a damaged, emptied or older database', () => {
  it('names the newest backup and leaves the damaged file alone', async () => {
    const dir = tempDir();
    const paths = { dataDir: dir, ...dataPaths(dir) };
    const db = await openStore(paths, silentLogger); // first start: creates and backs up
    service(db, dir).add(input(0));
    db.close();
    (await openStore(paths, silentLogger)).close(); // a backup holding the registration
    const file = join(dir, 'mitra-desk.db');
    writeFileSync(file, Buffer.alloc(8192, 0x41));
    const error = await openStore(paths, silentLogger).catch((e: unknown) => e as StoreError);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/damaged; the newest backup is .*backups\/mitra-desk-.*\.db$/);
    expect(readFileSync(file).equals(Buffer.alloc(8192, 0x41))).toBe(true);
  });

  it.each([
    ['deleted', () => {}],
    ['emptied to zero bytes', (file: string) => writeFileSync(file, '')],
    ['replaced by a fresh empty database', (file: string) => openDatabase({ file, log: silentLogger }).close()],
  ])('a database %s while a backup holds registrations is refused, naming the backup; nothing is overwritten', async (_how, damage) => {
    const dir = tempDir();
    const paths = { dataDir: dir, ...dataPaths(dir) };
    const db = await openStore(paths, silentLogger);
    service(db, dir).add(input(0));
    db.close();
    (await openStore(paths, silentLogger)).close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${paths.database}${suffix}`, { force: true });
    damage(paths.database);
    const before = readdirSync(paths.backups);
    const error = await openStore(paths, silentLogger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ problem: 'emptied', messageKey: 'store.emptied', params: { count: 1 } });
    expect(readdirSync(paths.backups)).toEqual(before);
    // Support restores the newest backup: the registration is back.
    const backup = (error as StoreError).params.backup as string;
    copyFileSync(backup, paths.database);
    const restored = await openStore(paths, silentLogger);
    expect(restored.prepare('SELECT COUNT(*) AS n FROM registrations').get()).toEqual({ n: 1 });
    restored.close();
  });

  it('a first start with no backups is simply a first start', async () => {
    const dir = tempDir();
    const db = await openStore({ dataDir: dir, ...dataPaths(dir) }, silentLogger);
    expect(db.prepare('SELECT COUNT(*) AS n FROM registrations').get()).toEqual({ n: 0 });
    db.close();
  });

  it('upgrading a schema-1 database drops the Aadhaar hashes, normalises portal times, and destroys the old hash key', async () => {
    const dir = tempDir();
    const paths = { dataDir: dir, ...dataPaths(dir) };
    const old = new Database(paths.database);
    old.exec((await import('../../src/main/storage/migrations')).MIGRATIONS[0]!.sql);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO patients (id, beneficiary_id, name, state, aadhaar_last4, aadhaar_hmac, created_at, updated_at) VALUES ('p', 'B-000001', 'Sita', 'BR', '7058', ?, 't', 't')`).run('a'.repeat(64));
    old.prepare(
      `INSERT INTO registrations (id, patient_id, kind, state, hospital_code, hospital_state, admitted_at, payload, registered_at, expires_at, created_at, updated_at)
       VALUES ('r', 'p', 'inpatient', 'registered', 'H', 'BR', 't', '{}', '2026-11-25T12:00:00+05:30', '2026-11-25T16:00:00+05:30', 't', 't')`,
    ).run();
    old.close();
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, 'keys', 'aadhaar-hmac.key'), 'c2VjcmV0');
    const db = await openStore(paths, silentLogger);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(Object.keys(db.prepare('SELECT * FROM patients').get() as object)).not.toContain('aadhaar_hmac');
    expect(db.prepare('SELECT registered_at, expires_at, patient_name FROM registrations').get()).toEqual({ registered_at: '2026-11-25T06:30:00.000Z', expires_at: '2026-11-25T10:30:00.000Z', patient_name: 'Sita' });
    expect(existsSync(join(dir, 'keys', 'aadhaar-hmac.key'))).toBe(false);
    db.close();
  });
});

describe('the storage link follows the database itself', () => {
  it('red while another program holds the write lock, green again at the next check once it is released, without any operator write', async () => {
    const { HealthMonitor } = await import('../../src/main/health/monitor');
    const { StoreWatch } = await import('../../src/main/health/store-watch');
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger, busyTimeoutMs: 20 });
    const health = new HealthMonitor(silentLogger);
    const watch = new StoreWatch(health, db);
    const other = new Database(join(dir, 'mitra-desk.db'));
    other.exec('BEGIN IMMEDIATE');
    const failure = storeError(() => service(db, dir).add(input(0)));
    watch.failed(failure);
    expect(health.snapshot().links.find((l) => l.id === 'storage')).toMatchObject({ status: 'down', messageKey: 'store.locked' });
    expect(watch.check()).toMatchObject({ problem: 'locked' }); // still locked: the check's own write fails
    other.exec('ROLLBACK');
    other.close();
    expect(watch.check()).toBeNull();
    db.close();
  });

  it('a database file deleted under the running app: writes are refused and the link says so', async () => {
    const { HealthMonitor } = await import('../../src/main/health/monitor');
    const { StoreWatch } = await import('../../src/main/health/store-watch');
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    const health = new HealthMonitor(silentLogger);
    const watch = new StoreWatch(health, db);
    expect(() => watch.assertIntact()).not.toThrow();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `mitra-desk.db${suffix}`), { force: true });
    expect(() => watch.assertIntact()).toThrow(StoreError);
    expect(watch.check()).toMatchObject({ problem: 'removed', messageKey: 'store.removed' });
    expect(health.snapshot().links.find((l) => l.id === 'storage')).toMatchObject({ status: 'down', messageKey: 'store.removed' });
    db.close();
  });
});

describe('which backup to restore', () => {
  it('the one with the most history, even when a backup once stamped in the future looks newer', async () => {
    const { bestBackup } = await import('../../src/main/storage/backups');
    const dir = tempDir();
    const backups = join(dir, 'backups');
    const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
    const queue = service(db, dir);
    queue.add(input(0));
    const future = await backupOnStart(db, backups, silentLogger, new Date(Date.UTC(2027, 5, 1)));
    for (let i = 1; i < 6; i++) queue.add(input(i));
    const today = await backupOnStart(db, backups, silentLogger);
    expect(bestBackup(backups)).toMatchObject({ file: today, registrations: 6 });
    expect(existsSync(future!)).toBe(true);
    db.close();
  });
});

describe('the storage probe', () => {
  it('a database failure met while the disk was being checked is not painted over by the disk finding', async () => {
    const { storageProbe } = await import('../../src/main/health/storage-probe');
    const dir = tempDir();
    const locked = new StoreError('locked', 'locked', { file: 'x' });
    let problem: StoreError | null = null;
    const probe = storageProbe({ dataDir: dir, lowMb: 1, fullMb: 1, databaseProblem: () => null, databaseProblemNow: () => problem });
    const pending = probe();
    problem = locked; // a write fails while the probe awaits the disk
    expect(await pending).toMatchObject({ status: 'down', messageKey: 'store.locked' });
    problem = null;
    expect(await probe()).toMatchObject({ status: 'ok' });
  });
});

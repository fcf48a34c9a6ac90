import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TOKEN_HEADER } from '../../src/shared/contract/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { dataPaths } from '../../src/main/config/paths';
import { RdClient } from '../../src/main/device/rd/client';
import { discover } from '../../src/main/device/rd/discovery';
import { startRdEmulator } from '../../src/main/device/emulator/server';
import type { PidBlock } from '../../src/main/base/pid-block';
import { createLogger } from '../../src/main/logging/logger';
import { prng, registrableMembers } from '../../src/main/portal/simulator/data';
import { startPortalSimulator, type PortalSimulator } from '../../src/main/portal/simulator/server';
import { standaloneQueue } from '../../src/main/queue/service';
import { openDatabase } from '../../src/main/storage/database';
import { startCli } from '../support/cli';
import { cliBin, repoRoot } from '../support/paths';
import { forbiddenTraces } from '../support/privacy';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
const REGISTRATIONS = 40;
const BUFFERED = 6;

let sim: PortalSimulator;
beforeAll(async () => {
  // A slow, flaky portal keeps each sync run busy long enough to be killed mid-way.
  sim = await startPortalSimulator({ port: 0, seed: 5, faults: 'slow=50,5xx=0.15' });
});
afterAll(() => sim.close());

async function capturePids(n: number): Promise<PidBlock[]> {
  const emulator = await startRdEmulator({ port: 0 });
  try {
    const [service] = await discover({ host: '127.0.0.1', ports: [emulator.port], schemes: ['http'], timeoutMs: 1_000 });
    const client = new RdClient();
    const pids: PidBlock[] = [];
    for (let i = 0; i < n; i++) pids.push((await client.capture(service!, { fingerCount: 1, fingerType: 'BOTH', timeoutMs: 2_000, env: 'P' })).pid!);
    return pids;
  } finally {
    await emulator.close();
  }
}

/** Registration requests the simulator has received so far (delivered, failed or replayed). */
const posts = () => sim.state().requests['POST /registrations'] ?? 0;

/**
 * One `mitra-desk sync --until-empty` process, killed with SIGKILL once the portal has received
 * `killAfterPosts` more registration requests from it (mid-delivery, whatever the machine's speed),
 * unless it finishes first. Null: let it finish.
 */
function syncRun(dataDir: string, killAfterPosts: number | null): Promise<{ code: number | null; killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const start = posts();
    const child = spawn(process.execPath, [cliBin, 'sync', '--until-empty', '--portal', sim.url, '--data-dir', dataDir], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let killed = false;
    let exited = false;
    // Watch the portal's own ledger: the kill lands while this run is delivering, not at a guessed time.
    const watch = async () => {
      while (!exited && killAfterPosts !== null) {
        if (posts() - start >= killAfterPosts) {
          killed = child.kill('SIGKILL');
          return;
        }
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    void watch();
    child.once('exit', (code) => {
      exited = true;
      resolve({ code, killed: killed && code === null, stderr });
    });
  });
}

describe('crash safety', () => {
  it('sync killed with SIGKILL at random moments, restarted many times: every registration delivered exactly once, none lost', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ sync: { baseDelayMs: 100, maxDelayMs: 1_000, breakerThreshold: 100, concurrency: 2 }, portal: { timeoutMs: 3_000 } }));
    const members = registrableMembers(sim.families, 'BR').slice(0, REGISTRATIONS);
    const pids = await capturePids(BUFFERED);

    // Record the registrations as the app would, then let separate sync processes deliver them.
    const db = openDatabase({ file: dataPaths(dataDir).database, log: createLogger({ consoleLevel: false }) });
    const held = new Map(pids.map((pid, i) => [`capture-${i}`, pid]));
    const queue = standaloneQueue({ db, dataDir, hospital: { code: 'HOSP-CRASH', state: 'BR' }, log: createLogger({ consoleLevel: false }), takePid: (id) => held.get(id) ?? null });
    const ids = members.map((member, i) =>
      queue.add(
        RegistrationInput.parse({
          kind: i % 5 === 0 ? 'card' : 'inpatient',
          patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR', aadhaar: member.aadhaar, mobile: member.mobile },
          admittedAt: new Date().toISOString(),
          verification: i < BUFFERED ? { method: 'fingerprint', captureSessionId: `capture-${i}` } : { method: 'none-confirmed', confirmedBy: 'Dr. Verma' },
        }),
      ).id,
    );
    db.close();

    const random = prng(20261123);
    let kills = 0;
    let runs = 0;
    let finished = false;
    let lastError = '';
    let killedMidWork = 0;
    const delivered = () => sim.state().accepted.filter((a) => ids.includes(a.clientReference)).length;
    while (!finished && runs < 30) {
      runs++;
      const before = delivered();
      // Kill after 2-7 more registration requests: early in each run, so it takes many runs, each killed mid-delivery.
      const { code, killed, stderr } = await syncRun(dataDir, 2 + Math.floor(random() * 6));
      if (killed) kills++;
      if (killed && delivered() > before && delivered() < REGISTRATIONS) killedMidWork++;
      if (stderr) lastError = stderr;
      finished = code === 0;
    }
    if (!finished) finished = (await syncRun(dataDir, null)).code === 0;
    expect({ finished, lastError }).toEqual({ finished: true, lastError: '' });
    expect(kills).toBeGreaterThanOrEqual(5); // restarted many times
    expect(killedMidWork).toBeGreaterThanOrEqual(3); // killed while delivering, not only before starting

    const state = sim.state();
    const mine = state.accepted.filter((a) => ids.includes(a.clientReference));
    expect(mine.map((a) => a.clientReference).sort()).toEqual([...ids].sort()); // every one, once
    expect(new Set(mine.map((a) => a.idempotencyKey)).size).toBe(REGISTRATIONS);
    expect(state.duplicates).toBe(0);

    const check = openDatabase({ file: dataPaths(dataDir).database, log: createLogger({ consoleLevel: false }) });
    const rows = check.prepare('SELECT id, state, portal_ref FROM registrations').all() as { id: string; state: string; portal_ref: string }[];
    expect(rows.every((r) => r.state === 'registered')).toBe(true);
    for (const row of rows) expect(mine.find((a) => a.clientReference === row.id)?.registrationId).toBe(row.portal_ref);
    expect(check.prepare('SELECT COUNT(*) AS n FROM outbox WHERE pid_ciphertext IS NOT NULL').get()).toEqual({ n: 0 });
    check.close();

    // Privacy: after all of that, no full Aadhaar number and no PID block in the database, its WAL, backups or logs.
    expect(forbiddenTraces(dataDir, members.map((m) => m.aadhaar))).toEqual([]);
    console.log(`crash test: ${runs} sync runs, ${kills} killed with SIGKILL (${killedMidWork} mid-delivery), ${mine.reduce((n, a) => n + a.deliveries, 0) - REGISTRATIONS} safe replays`);
  }, 120_000);
});

/** The app as `npm start` serves it where Electron cannot run, live against the simulator, on `dataDir`. */
async function serveApp(dataDir: string) {
  writeFileSync(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      hospital: { code: 'HOSP-CRASH-APP', name: 'Crash Test Hospital', state: 'BR' },
      portal: { url: sim.url, clientId: 'crash-desk', clientSecret: 'secret', timeoutMs: 3_000 },
      sync: { baseDelayMs: 100, maxDelayMs: 1_000 },
    }),
  );
  const app = await startCli(['serve', '--port', '0', '--data-dir', dataDir], /serving at (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/);
  const [, origin, token] = app.match;
  const call = async (name: string, body: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> => {
    const res = await fetch(`${origin}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token! }, body: JSON.stringify(body) });
    return (await res.json()) as never;
  };
  return { app, call };
}

function registration(member: { beneficiaryId: string; name: string; aadhaar: string }) {
  return {
    kind: 'inpatient',
    patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR', aadhaar: member.aadhaar },
    admittedAt: new Date().toISOString(),
    verification: { method: 'none-confirmed', confirmedBy: 'Dr. Verma' },
  };
}

/** Wait (bounded) until every acknowledged registration is delivered; then check exactly once. */
async function expectDeliveredOnce(dataDir: string, acknowledged: string[]) {
  const { app, call } = await serveApp(dataDir);
  try {
    const deadline = Date.now() + 30_000;
    const mine = () => sim.state().accepted.filter((a) => acknowledged.includes(a.clientReference));
    while (mine().length < acknowledged.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(mine().map((a) => a.clientReference).sort()).toEqual([...acknowledged].sort());
    expect(sim.state().duplicates).toBe(0);
    const list = (await call('queue.list', {})).value as { id: string }[];
    expect(list.map((e) => e.id).sort()).toEqual([...acknowledged].sort()); // nothing refused was kept half-written
  } finally {
    expect(await app.stop('SIGTERM')).toBe(0);
  }
}

describe('crash safety of the app itself', () => {
  it('killed while another program holds the database write lock: the app stayed up, said so, and lost nothing', async () => {
    const dataDir = tempDir();
    const members = registrableMembers(sim.families, 'BR').slice(40, 44);
    const { app, call } = await serveApp(dataDir);
    const acknowledged: string[] = [];
    for (const member of members.slice(0, 3)) {
      const answer = await call('queue.add', registration(member));
      expect(answer.ok).toBe(true);
      acknowledged.push((answer.value as { id: string }).id);
    }
    const other = new Database(dataPaths(dataDir).database, { timeout: 10_000 });
    other.exec('BEGIN IMMEDIATE');
    const refused = await call('queue.add', registration(members[3]!));
    expect(refused).toMatchObject({ ok: false, error: { code: 'store_locked' } });
    const health = (await call('health.snapshot', {})).value as { links: { id: string; status: string; messageKey: string }[] };
    expect(health.links.find((l) => l.id === 'storage')).toMatchObject({ status: 'down', messageKey: 'store.locked' });
    expect(await app.stop('SIGKILL')).toBeNull();
    other.exec('ROLLBACK');
    other.close();
    await expectDeliveredOnce(dataDir, acknowledged);
    expect(forbiddenTraces(dataDir, members.map((m) => m.aadhaar))).toEqual([]);
  }, 90_000);

  it('killed while the disk is full: the app stayed up, said so, and lost nothing', async (context) => {
    const mountPoint = mkdtempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
      context.skip('a small tmpfs cannot be mounted here (needs root with CAP_SYS_ADMIN)');
      return;
    }
    try {
      const dataDir = join(mountPoint, 'data');
      mkdirSync(dataDir);
      const members = registrableMembers(sim.families, 'BR').slice(50, 90);
      const { app, call } = await serveApp(dataDir);
      const acknowledged: string[] = [];
      for (const member of members.slice(0, 3)) acknowledged.push(((await call('queue.add', registration(member))).value as { id: string }).id);
      // Fill the disk to the last byte, then keep registering until the database refuses.
      const filler = join(mountPoint, 'filler');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
      } catch {
        // dd stops with "No space left on device": that is the point
      }
      let full = false;
      for (const member of members.slice(3)) {
        const answer = await call('queue.add', registration(member));
        if (answer.ok) acknowledged.push((answer.value as { id: string }).id);
        else {
          expect(answer.error?.code).toMatch(/^store_(full|unwritable)$/);
          full = true;
          break;
        }
      }
      expect(full).toBe(true);
      const health = (await call('health.snapshot', {})).value as { links: { id: string; status: string }[] };
      expect(health.links.find((l) => l.id === 'storage')?.status).toBe('down');
      expect(await app.stop('SIGKILL')).toBeNull();
      rmSync(filler);
      await expectDeliveredOnce(dataDir, acknowledged);
      expect(forbiddenTraces(dataDir, members.map((m) => m.aadhaar))).toEqual([]);
    } finally {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
      rmSync(mountPoint, { recursive: true, force: true });
    }
  }, 90_000);
});

function mkdtempDir(): string {
  const dir = join(tmpdir(), `mitra-tmpfs-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  return dir;
}

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { dataPaths } from '../../src/main/config/paths';
import { RdClient } from '../../src/main/device/rd/client';
import { discover } from '../../src/main/device/rd/discovery';
import { startRdEmulator } from '../../src/main/device/emulator/server';
import type { PidBlock } from '../../src/main/device/rd/pid-block';
import { createLogger } from '../../src/main/logging/logger';
import { prng, registrableMembers } from '../../src/main/portal/simulator/data';
import { startPortalSimulator, type PortalSimulator } from '../../src/main/portal/simulator/server';
import { standaloneQueue } from '../../src/main/queue/service';
import { openDatabase } from '../../src/main/storage/database';
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

/** One `mitra-desk sync --until-empty` process, killed with SIGKILL after `killAfterMs` unless it finishes first. */
function syncRun(dataDir: string, killAfterMs: number | null): Promise<{ code: number | null; killed: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, 'sync', '--until-empty', '--portal', sim.url, '--data-dir', dataDir], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let killed = false;
    const timer = killAfterMs === null ? undefined : setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, killAfterMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
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
    while (!finished && runs < 60) {
      runs++;
      const before = delivered();
      // Node takes about 0.3 s to start here; the whole backlog about 1.5 s more. Kill early in each run, so it takes many.
      const { code, killed, stderr } = await syncRun(dataDir, 300 + Math.floor(random() * 400));
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

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { dataPaths } from '../../src/main/config/paths';
import { silentLogger } from '../../src/main/logging/logger';
import { standaloneQueue } from '../../src/main/queue/service';
import { openDatabase } from '../../src/main/storage/database';
import { runCli, startCli } from '../support/cli';
import { startHostilePortal, type HostilePortal } from '../support/hostile-portal';
import { useTempDirs } from '../support/temp';

/*
 * `mitra-desk sync` as support staff run it: it exits non-zero with a line saying what is left and
 * why whenever anything is left, keeps its deadline, and stops on SIGTERM, whatever the portal does.
 */

const tempDir = useTempDirs();
let portal: HostilePortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

/** A data directory with `n` registrations waiting, and settings fast enough for a test. */
function desk(n: number, sync: Record<string, number> = {}): string {
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ sync: { baseDelayMs: 100, maxDelayMs: 2_000, probeMs: 200, breakerThreshold: 2, ...sync }, portal: { timeoutMs: 1_000 } }));
  const db = openDatabase({ file: dataPaths(dataDir).database, log: silentLogger });
  const queue = standaloneQueue({ db, dataDir, hospital: { code: 'HOSP-CLI', state: 'BR' }, log: silentLogger });
  for (let i = 0; i < n; i++) {
    queue.add(
      RegistrationInput.parse({
        kind: 'inpatient',
        patient: { beneficiaryId: `PMJAY-CLI-${i}`, name: `Patient ${i}`, state: 'BR' },
        admittedAt: new Date().toISOString(),
        verification: { method: 'none-confirmed', confirmedBy: 'Dr. Asha' },
      }),
    );
  }
  db.close();
  return dataDir;
}

async function states(dataDir: string): Promise<string[]> {
  const list = await runCli(['queue', 'list', '--json', '--data-dir', dataDir]);
  return (JSON.parse(list.stdout) as { state: string }[]).map((e) => e.state);
}

describe('mitra-desk sync says what is left, and why', () => {
  it('delivers everything and exits 0 when the portal behaves', async () => {
    portal = await startHostilePortal();
    const dataDir = desk(3);
    const run = await runCli(['sync', '--until-empty', '--portal', portal.url, '--data-dir', dataDir]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await states(dataDir)).toEqual(['registered', 'registered', 'registered']);
  });

  it('a portal that accepts connections and closes them at once: exit 1, a line, nothing left "sending"', async () => {
    portal = await startHostilePortal();
    portal.closeOnConnect(true);
    const dataDir = desk(2);
    const run = await runCli(['sync', '--until-empty', '--portal', portal.url, '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 registration\(s\) not delivered: the portal is not answering/);
    expect(await states(dataDir)).toEqual(['queued', 'queued']);
  });

  it('credentials refused: exit 1, one desk-wide line, entries waiting (never sent to needs-action)', async () => {
    portal = await startHostilePortal();
    portal.behave('*', { kind: 'wrong-credentials' });
    const dataDir = desk(3);
    const run = await runCli(['sync', '--until-empty', '--portal', portal.url, '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/3 registration\(s\) not delivered: the portal refuses this desk's credentials/);
    expect(run.stderr).not.toMatch(/need the operator/);
    expect(await states(dataDir)).toEqual(['queued', 'queued', 'queued']);
  });

  it('--once with a 429: exit 1 and the time the portal asked the desk to wait until', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': '1' } });
    const dataDir = desk(2, { concurrency: 1 });
    const run = await runCli(['sync', '--once', '--portal', portal.url, '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 registration\(s\) not delivered: the portal asked the desk to wait until \d{4}-/);
  });

  it('a refusal for one registration: exit 1 naming it for the operator', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'error', status: 409, code: 'admitted_elsewhere' });
    const dataDir = desk(1);
    const run = await runCli(['sync', '--until-empty', '--portal', portal.url, '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/1 registration\(s\) need the operator/);
    expect(run.stderr).toMatch(/admitted in another hospital/);
  });

  it('keeps --deadline-ms while the portal stalls mid-body', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'stall-mid-body' });
    const dataDir = desk(1, { breakerThreshold: 100 });
    const run = await runCli(['sync', '--until-empty', '--deadline-ms', '1500', '--portal', portal.url, '--data-dir', dataDir], {}, 20_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/1 registration\(s\) not delivered: the deadline passed/);
  });

  it('stops on SIGTERM while a delivery hangs, and the entry is resent later with its key', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'stall-headers' });
    const dataDir = desk(1);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ portal: { timeoutMs: 120_000 } }));
    const sync = await startCli(['sync', '--portal', portal.url, '--data-dir', dataDir], /syncing/);
    await portal.waitForRequests('create', 1);
    expect(await sync.stop('SIGTERM')).toBe(0);
    portal.behave('create', { kind: 'ok' });
    const again = await runCli(['sync', '--until-empty', '--portal', portal.url, '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    const keys = portal.requests.filter((r) => r.route === 'create').map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
    expect(portal.registrations.size).toBe(1);
  });

  it.each(['http://portal.example.org/api', 'ftp://127.0.0.1/api', 'not a url'])('--portal %s is refused like settings.json would refuse it', async (url) => {
    const run = await runCli(['sync', '--once', '--portal', url, '--data-dir', desk(0)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--portal/);
  });
});

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/config/paths';
import { silentLogger } from '../../src/main/logging/logger';
import { openDatabase } from '../../src/main/storage/database';
import { runCli } from '../support/cli';
import { cliBin, repoRoot } from '../support/paths';
import { useTempDirs } from '../support/temp';

/** What the built `mitra-desk` prints for people: terminal-safe, translated, help for command groups, quiet on a closed pipe. */

const tempDir = useTempDirs();

const header = 'kind,beneficiary_id,name,gender,year_of_birth,mobile,state,district,aadhaar,admitted_at,verification_method,confirmed_by,transaction_id,notes';

/** A data directory with `count` imported registrations (patients PMJBR0000001...). */
async function deskWith(count: number): Promise<string> {
  const dataDir = tempDir();
  const admitted = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const rows = Array.from({ length: count }, (_, i) => `inpatient,PMJBR${String(i + 1).padStart(7, '0')},Patient ${i + 1},F,1970,,BR,,,${admitted},none-confirmed,Dr. Meena,,`);
  const file = join(dataDir, 'paper.csv');
  writeFileSync(file, [header, ...rows].join('\n'));
  const imported = await runCli(['queue', 'import', file, '--data-dir', dataDir]);
  expect(imported.code).toBe(0);
  return dataDir;
}

/** Change stored rows the way a portal answer or older data could have left them. */
function patchDb(dataDir: string, work: (db: ReturnType<typeof openDatabase>) => void): void {
  const db = openDatabase({ file: dataPaths(dataDir).database, log: silentLogger });
  try {
    work(db);
  } finally {
    db.close();
  }
}

// Anything a terminal acts on: C0 (but tab and newline, the output's own separators), DEL, C1, bidi overrides and isolates.
const TERMINAL_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/; // eslint-disable-line no-control-regex

describe('queue list and status print stored text safely', () => {
  it('escapes control characters and bidi overrides in names; --json keeps them exactly', async () => {
    const dataDir = await deskWith(2);
    const hostile = 'Ram\u001b[2J\u001b]0;owned\u0007 Lal\u202eevil\u2066\u0085\u009b31m\u007f';
    patchDb(dataDir, (db) => {
      const columns = (db.prepare('PRAGMA table_info(registrations)').all() as { name: string }[]).map((c) => c.name);
      db.prepare('UPDATE patients SET name = ?').run(hostile);
      if (columns.includes('patient_name')) db.prepare('UPDATE registrations SET patient_name = ?').run(hostile);
      db.prepare(`UPDATE registrations SET state = 'cancelled-by-portal', portal_number = ? WHERE id = (SELECT min(id) FROM registrations)`).run('IPBR\u001b[8m0001');
    });

    const list = await runCli(['queue', 'list', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(list.stdout).toContain('Ram\\x1B[2J\\x1B]0;owned\\x07 Lal\\u202Eevil\\u2066\\x85\\x9B31m\\x7F');
    expect(list.stdout).toContain('IPBR\\x1B[8m0001');

    const status = await runCli(['queue', 'status', '--data-dir', dataDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('CANCELLED BY PORTAL');
    expect(status.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(status.stdout).toContain('Ram\\x1B[2J');

    const json = JSON.parse((await runCli(['queue', 'list', '--json', '--data-dir', dataDir])).stdout) as { patientName: string }[];
    expect(json.map((e) => e.patientName)).toEqual([hostile, hostile]);
  });

  it('prints the reason an entry waits as English text, not its message key', async () => {
    const dataDir = await deskWith(1);
    patchDb(dataDir, (db) => db.prepare(`UPDATE registrations SET state = 'needs-action', last_error = ?`).run(JSON.stringify({ key: 'sync.reason.server', params: { status: 503 } })));
    const list = await runCli(['queue', 'list', '--data-dir', dataDir]);
    expect(list.stdout).toContain('The portal had an error (HTTP 503); will try again.');
    expect(list.stdout).not.toContain('sync.reason');
  });
});

describe('command groups', () => {
  it('lists a group\'s commands for "queue --help" (exit 0) and "queue" alone (exit 2)', async () => {
    const help = await runCli(['queue', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).not.toContain('Unknown command');
    expect(help.stdout).toMatch(/queue status\s+counts by state/);
    expect(help.stdout).toMatch(/queue list\s+the registrations/);
    expect(help.stdout).toMatch(/queue import\s+import registrations recorded on paper/);
    expect(help.stdout).not.toContain('device scan');

    const bare = await runCli(['queue']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).not.toContain('Unknown command');
    expect(bare.stderr).toMatch(/queue import\s+import registrations/);

    const device = await runCli(['device', '--help']);
    expect(device.code).toBe(0);
    for (const sub of ['scan', 'info', 'capture', 'watch']) expect(device.stdout).toContain(`device ${sub}`);

    const typo = await runCli(['queue', 'stauts']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Unknown command: queue stauts');
    expect(typo.stderr).toContain('queue status');
  });
});

describe('a reader that stops early', () => {
  it('ends the command quietly with exit 0 when stdout is closed (| head)', async () => {
    const dataDir = await deskWith(3);
    for (const args of [['queue', 'status'], ['queue', 'list']]) {
      const child = spawn(process.execPath, [cliBin, ...args, '--data-dir', dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      // Close the reading end before the command has printed anything: every write it makes meets EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });
});

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { TOKEN_HEADER } from '../../src/shared/contract/transport';
import { startApp, type RunningApp } from '../../src/main/app/start';
import { dataPaths } from '../../src/main/config/paths';
import type { Logger } from '../../src/main/logging/logger';
import { standaloneQueue } from '../../src/main/queue/service';
import { openDatabase } from '../../src/main/storage/database';
import { silentLogger } from '../../src/main/logging/logger';
import { cliBin, appPaths, repoRoot } from '../support/paths';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
let app: RunningApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Resolves when `text()` matches, checking each time `onData` fires (bounded by the test's timeout). */
function whenOutput(child: ReturnType<typeof spawn>, pattern: RegExp, text: () => string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = pattern.exec(text());
      if (found) resolve(found);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text()}`)));
  });
}

describe('the last resort', () => {
  it('an exception thrown by a stray callback is logged and the app keeps serving', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', join(repoRoot, 'tests/support/fixtures/throw-on-signal.mjs'), cliBin, 'serve', '--port', '0', '--data-dir', dataDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const [, origin, token] = await whenOutput(child, /serving at (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/, () => output);
    child.kill('SIGUSR2');
    // The app's console shows warnings and errors on stderr: wait for the line, not for time.
    await whenOutput(child, /uncaught exception \(kept running\)/, () => output);
    const answer = await fetch(`${origin}/api/app.info`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token! }, body: '{}' });
    expect(((await answer.json()) as { ok: boolean }).ok).toBe(true);
    expect(readFileSync(join(dataPaths(dataDir).logs, 'main.log'), 'utf8')).toMatch(/uncaught exception \(kept running\)[\s\S]*stray callback threw/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a pid-vault key made anew while fingerprints are held is said, not silent', async () => {
    const dataDir = tempDir();
    const db = openDatabase({ file: dataPaths(dataDir).database, log: silentLogger });
    const queue = standaloneQueue({ db, dataDir, hospital: { code: 'H', state: 'BR' }, log: silentLogger });
    const { id } = queue.add(
      RegistrationInput.parse({ kind: 'inpatient', patient: { beneficiaryId: 'PMJAY-KEY-1', name: 'Sita', state: 'BR' }, admittedAt: new Date().toISOString(), verification: { method: 'none-confirmed', confirmedBy: 'Dr. Rao' } }),
    );
    db.prepare('UPDATE outbox SET pid_ciphertext = ?, pid_iv = ?, pid_tag = ?, pid_expires_at = ? WHERE registration_id = ?').run(Buffer.alloc(32, 1), Buffer.alloc(12), Buffer.alloc(16), new Date(Date.now() + 600_000).toISOString(), id);
    db.close();
    const keyFile = join(dataDir, 'keys', 'pid-vault.key');
    expect(existsSync(keyFile)).toBe(true);
    rmSync(keyFile);
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (message) => warnings.push(message), scope: () => log };
    app = await startApp({ dataDir, paths: appPaths, shell: 'web', log, env: { MITRA_DESK_SETTINGS: JSON.stringify({ training: { portalFaults: 'outage' } }) } });
    expect(warnings.filter((w) => /pid-vault\.key was missing/.test(w))).toEqual([expect.stringMatching(/1 held fingerprint\(s\) cannot be opened/)]);
  });
});

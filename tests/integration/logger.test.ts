import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/logging/logger';
import { cliBin } from '../support/paths';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
const mode = (path: string) => statSync(path).mode & 0o777;

/** The built CLI run from `cwd` (not the checkout), to completion. */
function runCliIn(cwd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliBin, ...args], { cwd, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}
describe('file logger (electron-log, as in the app)', () => {
  it('writes redacted lines to main.log in the given folder', () => {
    const dir = tempDir();
    const log = createLogger({ dir, consoleLevel: false });
    log.info('patient 234567890123 verified', { pidData: '<PidData>secret</PidData>' });
    log.scope('rd').warn('answer <PidData><Skey ci="x">S0VZ</Skey></PidData>');
    const text = readFileSync(join(dir, 'main.log'), 'utf8');
    expect(text).toContain('patient XXXX XXXX 0123 verified');
    expect(text).toContain('(rd)');
    expect(text).not.toContain('234567890123');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('S0VZ');
  });

  it('rotates at the size limit and keeps a bounded number of old files', () => {
    const dir = tempDir();
    const log = createLogger({ dir, consoleLevel: false, maxBytes: 2_000, keepFiles: 3 });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(80)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['main.1.log', 'main.2.log', 'main.3.log', 'main.log']);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 199');
  });

  it('writes the log whatever the working directory (no package.json above it)', async () => {
    const cwd = tempDir();
    const dataDir = join(tempDir(), 'desk');
    const result = await runCliIn(cwd, ['queue', 'status', '--data-dir', dataDir]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const file = join(dataDir, 'logs', 'main.log');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('database migrated');
  });

  it('creates the logs folder 0700 and log files 0600, and tightens ones an older version left open', () => {
    const fresh = join(tempDir(), 'logs');
    createLogger({ dir: fresh, consoleLevel: false, maxBytes: 1_000, keepFiles: 2 }).info('first line');
    expect(mode(fresh)).toBe(0o700);
    expect(mode(join(fresh, 'main.log'))).toBe(0o600);

    const old = join(tempDir(), 'logs');
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    for (const name of ['main.log', 'main.1.log']) {
      writeFileSync(join(old, name), 'older line\n', { mode: 0o644 });
      chmodSync(join(old, name), 0o644);
    }
    const log = createLogger({ dir: old, consoleLevel: false, maxBytes: 1_000, keepFiles: 2 });
    expect(mode(old)).toBe(0o700);
    expect(mode(join(old, 'main.log'))).toBe(0o600);
    expect(mode(join(old, 'main.1.log'))).toBe(0o600);
    // Past the size limit: the file started after rotation is 0600 too.
    for (let i = 0; i < 40; i++) log.info(`line ${i} ${'x'.repeat(60)}`);
    expect(readdirSync(old).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const name of readdirSync(old)) expect({ name, mode: mode(join(old, name)) }).toEqual({ name, mode: 0o600 });
  });

  it('the CLI leaves its logs folder and file owner-only', async () => {
    const dataDir = join(tempDir(), 'desk');
    expect((await runCliIn(tempDir(), ['queue', 'status', '--data-dir', dataDir])).code).toBe(0);
    expect(mode(join(dataDir, 'logs'))).toBe(0o700);
    expect(mode(join(dataDir, 'logs', 'main.log'))).toBe(0o600);
  });
});

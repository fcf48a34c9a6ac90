import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/logging/logger';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();

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
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MitraError } from '../../shared/errors';
import { writeFileAtomic } from '../base/atomic-file';

/**
 * Per-install secret keys, kept in their own files (mode 0600) next to, never inside, the
 * database and its backups: a copied database alone reveals neither Aadhaar hashes' inputs nor
 * buffered PID blocks.
 */
export function loadOrCreateKey(dataDir: string, name: 'pid-vault', onCreated?: () => void): Buffer {
  const dir = join(dataDir, 'keys');
  const file = join(dir, `${name}.key`);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new MitraError('key_invalid', `${file} does not hold a 32-byte key`);
    return key;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileAtomic(file, `${key.toString('base64')}\n`, 0o600);
  onCreated?.();
  return key;
}

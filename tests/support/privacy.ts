import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under a directory (database, WAL, logs, backups, keys). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Which forbidden strings occur in which files: full Aadhaar numbers, PID blocks and their parts. */
export function forbiddenTraces(dir: string, aadhaarNumbers: string[]): string[] {
  const needles = [...aadhaarNumbers, '<PidData', '<Skey', 'Skey ci=', '<Hmac>'];
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const needle of needles) if (bytes.includes(needle)) found.push(`${file}: ${needle.startsWith('<') || needle.startsWith('Skey') ? needle : `Aadhaar ending ${needle.slice(-4)}`}`);
  }
  return found;
}

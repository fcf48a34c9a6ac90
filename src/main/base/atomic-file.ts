import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Write a whole file or nothing: write a temporary sibling, fsync it, rename over the target.
 * A crash or a full disk leaves the previous file intact. The sibling has an unguessable name
 * and is created exclusively (never following a planted file or symlink), with exactly `mode`
 * whatever the umask.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o600): void {
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    fchmodSync(fd, mode);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
}

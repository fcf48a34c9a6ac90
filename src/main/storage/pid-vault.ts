import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PidBlock } from '../base/pid-block';

export interface SealedPid {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/**
 * Encrypt a PID block for buffered authentication (AES-256-GCM). The outbox id is the associated
 * data, so a sealed block cannot be moved to another entry.
 */
export function sealPid(pid: PidBlock, key: Buffer, outboxId: string): SealedPid {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(outboxId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pid.reveal(), 'utf8'), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

export function openPid(sealed: SealedPid, key: Buffer, outboxId: string, capturedAt: Date): PidBlock {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(outboxId, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  const xml = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  return new PidBlock(xml, capturedAt);
}

import { randomBytes } from 'node:crypto';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreError } from '../storage/errors';
import type { LinkFinding } from './monitor';

export interface StorageProbeOptions {
  dataDir: string;
  lowMb: number;
  fullMb: number;
  /** The database's own state (locked, full, removed), checked again with a real write when a problem was seen. */
  databaseProblem?: () => StoreError | null;
  /** The problem known right now, without a new check: read again after the disk checks, which await. */
  databaseProblemNow?: () => StoreError | null;
}

/**
 * The kiosk's own disk: can we still write to the data folder, and how much room is left?
 * A full disk is the failure that would otherwise lose queued registrations silently.
 */
export function storageProbe(options: StorageProbeOptions): () => Promise<LinkFinding> {
  const check = diskProbe(options);
  return async () => {
    const problem = options.databaseProblem?.();
    if (problem) return { status: 'down', messageKey: problem.messageKey, params: problem.params };
    const finding = await check();
    // A write may have failed while the disk was checked: that finding must not paint it green.
    const late = options.databaseProblemNow?.();
    return late ? { status: 'down', messageKey: late.messageKey, params: late.params } : finding;
  };
}

function diskProbe({ dataDir, lowMb, fullMb }: StorageProbeOptions): () => Promise<LinkFinding> {
  return async () => {
    let freeMb: number;
    try {
      await mkdir(dataDir, { recursive: true });
      const stats = await statfs(dataDir);
      freeMb = Math.floor((Number(stats.bavail) * Number(stats.bsize)) / (1024 * 1024));
    } catch {
      return { status: 'down', messageKey: 'health.message.storageNotWritable' };
    }
    if (freeMb < fullMb) return { status: 'down', messageKey: 'health.message.storageFull', params: { freeMb } };
    const probeFile = join(dataDir, `.write-check-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(probeFile, 'ok', { flush: true });
    } catch {
      return { status: 'down', messageKey: 'health.message.storageNotWritable' };
    } finally {
      await rm(probeFile, { force: true });
    }
    if (freeMb < lowMb) return { status: 'warn', messageKey: 'health.message.storageLow', params: { freeMb } };
    return { status: 'ok', messageKey: 'health.message.storageOk', params: { freeMb } };
  };
}

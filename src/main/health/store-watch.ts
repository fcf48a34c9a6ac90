import { statSync } from 'node:fs';
import { inTransaction, type Db } from '../storage/database';
import { StoreError } from '../storage/errors';
import { touchStoreCheck } from '../storage/sql/maintenance';
import type { HealthMonitor } from './monitor';

/**
 * The database's own state for the storage link. A disk can have room and still refuse the
 * database (another program holds its write lock; SQLite says the disk is full), and a database
 * file can be deleted under a running app. Whoever meets a StoreError says so here and the storage
 * link turns red at once; the storage probe then checks again with a real write, so the link
 * clears as soon as the database takes writes, whoever writes next.
 */
export class StoreWatch {
  private problem: StoreError | null = null;
  private identity: { dev: number; ino: number } | null = null;

  constructor(
    private readonly health: HealthMonitor,
    private readonly db: Db,
  ) {
    this.identity = identityOf(db.name);
  }

  failed(error: StoreError): void {
    if (this.problem?.problem === error.problem) return;
    this.problem = error;
    this.health.report('storage', { status: 'down', messageKey: error.messageKey, params: error.params });
  }

  works(): void {
    if (!this.problem || this.problem.problem === 'removed') return;
    this.problem = null;
    void this.health.check('storage');
  }

  current(): StoreError | null {
    return this.problem;
  }

  /** Before a write: the file the app opened must still be the database on disk, or the write would be lost. */
  assertIntact(): void {
    const now = identityOf(this.db.name);
    if (this.identity && (!now || now.dev !== this.identity.dev || now.ino !== this.identity.ino)) {
      const error = new StoreError('removed', `database ${this.db.name} was deleted or replaced while the app was running`, { file: this.db.name });
      this.failed(error);
      throw error;
    }
  }

  /** For the storage probe: the problem now, after trying a real write when one was seen. */
  check(now: Date = new Date()): StoreError | null {
    try {
      this.assertIntact();
    } catch (error) {
      return error as StoreError;
    }
    if (!this.problem) return null;
    try {
      inTransaction(this.db, () => touchStoreCheck(this.db, now.toISOString()));
      this.problem = null;
    } catch (error) {
      if (error instanceof StoreError) this.problem = error;
    }
    return this.problem;
  }
}

function identityOf(file: string): { dev: number; ino: number } | null {
  try {
    const stats = statSync(file);
    return { dev: stats.dev, ino: stats.ino };
  } catch {
    return null;
  }
}

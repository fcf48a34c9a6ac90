import type { StoreError } from '../storage/errors';
import type { HealthMonitor } from './monitor';

/**
 * The database's own state for the storage link. A disk can have room and still refuse the
 * database (another program holds its write lock; SQLite says the disk is full): whoever meets a
 * StoreError says so here, the storage link turns red at once, and the storage probe keeps it red
 * until a later write works.
 */
export class StoreWatch {
  private problem: StoreError | null = null;

  constructor(private readonly health: HealthMonitor) {}

  failed(error: StoreError): void {
    if (this.problem?.problem === error.problem) return;
    this.problem = error;
    this.health.report('storage', { status: 'down', messageKey: error.messageKey, params: error.params });
  }

  works(): void {
    if (!this.problem) return;
    this.problem = null;
    void this.health.check('storage');
  }

  current(): StoreError | null {
    return this.problem;
  }
}

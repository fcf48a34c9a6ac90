import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistrationKind } from '../../src/shared/contract/queue';
import { RegistrationInput } from '../../src/shared/contract/queue';
import { dataPaths } from '../../src/main/config/paths';
import type { LinkFinding } from '../../src/main/health/monitor';
import { silentLogger } from '../../src/main/logging/logger';
import { PortalClient } from '../../src/main/portal/client';
import { standaloneQueue, type QueueService } from '../../src/main/queue/service';
import { openDatabase, type Db } from '../../src/main/storage/database';
import type { StoreError } from '../../src/main/storage/errors';
import { loadOrCreateKey } from '../../src/main/storage/secrets';
import { SyncEngine, type SyncSettings } from '../../src/main/sync/engine';
import { FAST_SYNC } from './queue-harness';

export interface Desk {
  dataDir: string;
  db: Db;
  client: PortalClient;
  engine: SyncEngine;
  queue: QueueService;
  links: Map<string, LinkFinding>;
  /** Every storage problem the engine reported, in order (null: works again). */
  storeReports: (StoreError | null)[];
  /** Resolves at the next storage report matching `match`. */
  nextStoreReport(match: (report: StoreError | null) => boolean): Promise<StoreError | null>;
  add(beneficiaryId: string, options?: { kind?: RegistrationKind; notes?: string; name?: string }): string;
  close(): Promise<void>;
}

/**
 * A desk (real SQLite file, queue service, sync engine, portal client) against any portal URL:
 * the simulator, or the hostile portal that keeps to the contract but not to our habits.
 */
export function deskAgainst(
  url: string,
  options: { sync?: Partial<SyncSettings>; timeoutMs?: number; now?: () => Date; busyTimeoutMs?: number; dataDir?: string } = {},
): Desk {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mitra-desk-'));
  const db = openDatabase({ file: dataPaths(dataDir).database, log: silentLogger, ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}) });
  const client = new PortalClient({ baseUrl: url, credentials: { clientId: 'desk-7', clientSecret: 'secret' }, timeoutMs: options.timeoutMs ?? 2_000, log: silentLogger });
  const links = new Map<string, LinkFinding>();
  const storeReports: (StoreError | null)[] = [];
  const waiters: { match: (report: StoreError | null) => boolean; resolve: (report: StoreError | null) => void }[] = [];
  const engine = new SyncEngine({
    db,
    client,
    pidKey: loadOrCreateKey(dataDir, 'pid-vault'),
    settings: { ...FAST_SYNC, ...options.sync },
    hospitalState: 'BR',
    log: silentLogger,
    report: (link, finding) => links.set(link, finding),
    onStoreProblem: (problem) => {
      storeReports.push(problem);
      for (const waiter of waiters.splice(0)) if (waiter.match(problem)) waiter.resolve(problem);
      else waiters.push(waiter);
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const queue = standaloneQueue({ db, dataDir, hospital: { code: 'HOSP-TEST-1', state: 'BR' }, log: silentLogger, nudge: () => engine.nudge(), portalLink: () => engine.portalLink, hold: () => engine.hold() });
  let n = 0;
  return {
    dataDir,
    db,
    client,
    engine,
    queue,
    links,
    storeReports,
    nextStoreReport: (match) => new Promise((resolve) => waiters.push({ match, resolve })),
    add(beneficiaryId, { kind = 'inpatient', notes, name } = {}) {
      n++;
      const input = RegistrationInput.parse({
        kind,
        patient: { beneficiaryId, name: name ?? `Patient ${n}`, state: 'BR' },
        admittedAt: new Date().toISOString(),
        verification: { method: 'none-confirmed', confirmedBy: 'Dr. Asha (duty doctor)' },
        ...(notes ? { notes } : {}),
      });
      return queue.add(input).id;
    },
    async close() {
      await engine.stop();
      db.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

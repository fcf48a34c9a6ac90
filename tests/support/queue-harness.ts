import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistrationKind, RegistrationInput } from '../../src/shared/contract/queue';
import { RegistrationInput as RegistrationSchema } from '../../src/shared/contract/queue';
import { dataPaths } from '../../src/main/config/paths';
import { silentLogger } from '../../src/main/logging/logger';
import { PortalClient } from '../../src/main/portal/client';
import { registrableMembers, type SimMember } from '../../src/main/portal/simulator/data';
import { startPortalSimulator, type PortalSimulator, type SimulatorOptions } from '../../src/main/portal/simulator/server';
import { standaloneQueue, type QueueService } from '../../src/main/queue/service';
import { openDatabase, type Db } from '../../src/main/storage/database';
import { loadOrCreateKey } from '../../src/main/storage/secrets';
import { SyncEngine, type SyncSettings } from '../../src/main/sync/engine';
import { RegistrationWatchdog } from '../../src/main/sync/watchdog';
import type { PidBlock } from '../../src/main/base/pid-block';
import type { LinkFinding } from '../../src/main/health/monitor';

/** Fast timings for tests: short backoff, a quick breaker. */
export const FAST_SYNC: SyncSettings = { concurrency: 2, baseDelayMs: 20, maxDelayMs: 200, breakerThreshold: 3, probeMs: 100, maxProbeMs: 400, lifetimeMs: 4 * 3_600_000 };

export type Member = SimMember & { state: string; district: string; familyId: string };

export interface Harness {
  dataDir: string;
  db: Db;
  sim: PortalSimulator;
  client: PortalClient;
  engine: SyncEngine;
  watchdog: RegistrationWatchdog;
  queue: QueueService;
  members: Member[];
  links: Map<string, LinkFinding>;
  pids: Map<string, PidBlock>;
  add(member: Member, kind?: RegistrationKind, extra?: Partial<RegistrationInput>): string;
  /** Change the desk's portal secret (support fixed the portal user). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

/** A real SQLite file, a real simulator over HTTP, the real engine and queue service. */
export async function harness(
  sim: Partial<SimulatorOptions> = {},
  sync: Partial<SyncSettings> = {},
  portal: { clientSecret?: string; timeoutMs?: number } = {},
  /** The engine's clock, for tests that drive time instead of waiting for it. */
  now?: () => Date,
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitra-sync-'));
  const db = openDatabase({ file: dataPaths(dataDir).database, log: silentLogger });
  const simulator = await startPortalSimulator({ port: 0, seed: 3, ...sim });
  const credentials = { clientId: 'test-desk', clientSecret: portal.clientSecret ?? 'secret' };
  const client = new PortalClient({ baseUrl: simulator.url, credentials, timeoutMs: portal.timeoutMs ?? 2_000, log: silentLogger });
  const links = new Map<string, LinkFinding>();
  const pids = new Map<string, PidBlock>();
  const engine = new SyncEngine({ db, client, pidKey: loadOrCreateKey(dataDir, 'pid-vault'), settings: { ...FAST_SYNC, ...sync }, hospitalState: 'BR', log: silentLogger, report: (link, finding) => links.set(link, finding), ...(now ? { now } : {}) });
  const watchdog = new RegistrationWatchdog({ db, client, log: silentLogger, portalDown: () => engine.breaker.state === 'open', holdsLease: () => engine.holdLease() }, 60_000);
  const queue = standaloneQueue({
    db,
    dataDir,
    hospital: { code: 'HOSP-TEST-1', state: 'BR' },
    log: silentLogger,
    takePid: (id) => {
      const pid = pids.get(id) ?? null;
      pids.delete(id);
      return pid;
    },
    nudge: () => engine.nudge(),
    portalLink: () => engine.portalLink,
  });
  const members = registrableMembers(simulator.families, 'BR');
  return {
    dataDir,
    db,
    sim: simulator,
    client,
    engine,
    watchdog,
    queue,
    members,
    links,
    pids,
    add(member, kind = 'inpatient', extra = {}) {
      const input = RegistrationSchema.parse({
        kind,
        patient: { beneficiaryId: member.beneficiaryId, name: member.name, gender: member.gender, yearOfBirth: member.yearOfBirth, state: member.state, district: member.district, aadhaar: member.aadhaar },
        admittedAt: new Date().toISOString(),
        verification: { method: 'none-confirmed', confirmedBy: 'Dr. Asha (duty doctor)' },
        ...extra,
      });
      return queue.add(input).id;
    },
    setSecret(secret) {
      credentials.clientSecret = secret;
    },
    async close() {
      await engine.stop();
      watchdog.stop();
      await simulator.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const newKey = () => randomUUID();

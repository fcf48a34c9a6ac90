import type { Mode } from '../../shared/contract/app';
import { MitraError } from '../../shared/errors';
import type { Settings } from '../config/settings';
import type { Handlers } from '../contract/dispatch';
import type { EventHub } from '../contract/events';
import type { PidBlock } from '../base/pid-block';
import type { HealthMonitor } from '../health/monitor';
import type { Logger } from '../logging/logger';
import { PortalClient } from '../portal/client';
import { startPortalSimulator, type PortalSimulator } from '../portal/simulator/server';
import type { Db } from '../storage/database';
import { heldPidCount } from '../storage/sql/outbox';
import { StoreError } from '../storage/errors';
import { loadOrCreateKey } from '../storage/secrets';
import { SyncEngine } from '../sync/engine';
import type { Scheduler, Task } from '../base/scheduler';
import type { StoreWatch } from '../health/store-watch';
import { RegistrationWatchdog } from '../sync/watchdog';
import { QueueService } from './service';

/** The hospital a training desk pretends to be, when settings name none. */
export const TRAINING_HOSPITAL = { code: 'TRAINING-HOSPITAL', state: 'BR' };

export interface QueueOptions {
  settings: Settings;
  mode: Mode;
  dataDir: string;
  db: Db;
  /** The connection background work uses (a short wait for locks; see openBackgroundConnection). */
  backgroundDb?: Db;
  health: HealthMonitor;
  /** Database failures and recoveries, for the storage link. */
  storeWatch: StoreWatch;
  /** The app's guarded scheduler: timers and callbacks that cannot throw out of the process. */
  scheduler: Scheduler;
  events: EventHub;
  log: Logger;
  takePid: (captureSessionId: string) => PidBlock | null;
  returnPid?: (captureSessionId: string, pid: PidBlock) => void;
}

export interface RunningQueue {
  service: QueueService;
  engine: SyncEngine;
  watchdog: RegistrationWatchdog;
  simulator: PortalSimulator | null;
  handlers: Pick<Handlers, 'queue.summary' | 'queue.list' | 'queue.add' | 'queue.retryNow' | 'queue.resubmit' | 'queue.resolve' | 'training.portalFaults'>;
  stop(): Promise<void>;
}

/** Settings for the portal client, sync engine and watchdog; training points them at the simulator. */
export function portalSetup(settings: Settings, simulatorUrl: string | null) {
  const training = simulatorUrl !== null;
  return {
    baseUrl: simulatorUrl ?? settings.portal.url!,
    credentials: training ? { clientId: 'training-desk', clientSecret: 'training' } : { clientId: settings.portal.clientId, clientSecret: settings.portal.clientSecret },
    hospital: training && (!settings.hospital.code || !settings.hospital.state) ? TRAINING_HOSPITAL : { code: settings.hospital.code, state: settings.hospital.state },
    sync: { ...settings.sync, lifetimeMs: settings.watchdog.lifetimeMinutes * 60_000 },
  };
}

/**
 * Start the queue side: the portal client (or, in training, the simulator it talks to), the sync
 * engine, the registration watchdog and the queue service behind the contract's queue calls.
 */
export async function startQueue({ settings, mode, dataDir, db, backgroundDb = db, health, storeWatch, scheduler, events, log, takePid, returnPid }: QueueOptions): Promise<RunningQueue> {
  let simulator: PortalSimulator | null = null;
  if (mode === 'training') {
    const lifetimeMinutes = settings.training.portalLifetimeMinutes ?? settings.watchdog.lifetimeMinutes;
    simulator = await startPortalSimulator({ port: 0, seed: settings.training.portalSeed, faults: settings.training.portalFaults, lifetimeMs: lifetimeMinutes * 60_000, log: log.scope('portal-sim') });
  }
  const setup = portalSetup(settings, simulator?.url ?? null);
  const client = new PortalClient({ baseUrl: setup.baseUrl, credentials: setup.credentials, timeoutMs: settings.portal.timeoutMs, log: log.scope('portal') });

  let changeTask: Task | undefined;
  let stopped = false;
  const emitChanged = () => {
    // Coalesce bursts (a drain changes many entries at once) into one event; none after stop (the database closes).
    changeTask?.cancel();
    if (stopped) return;
    changeTask = scheduler.after('queue.changed', 100, () => events.emit('queue.changed', watchStore(() => service.summary())));
  };
  const onStoreProblem = (problem: StoreError | null) => (problem ? storeWatch.failed(problem) : storeWatch.works());
  // A missing key with PID blocks held means those patients must be verified again: say so.
  const pidKey = loadOrCreateKey(dataDir, 'pid-vault', () => {
    const held = heldPidCount(db);
    if (held) log.warn(`keys/pid-vault.key was missing and has been made anew: ${held} held fingerprint(s) cannot be opened; those patients will be asked to verify again`);
  });
  const engine = new SyncEngine({
    db: backgroundDb,
    client,
    pidKey,
    settings: setup.sync,
    hospitalState: setup.hospital.state,
    log: log.scope('sync'),
    report: (link, finding) => health.report(link, finding),
    onStoreProblem,
    onChange: emitChanged,
    scheduler,
  });
  const service = new QueueService({
    db,
    pidKey,
    hospital: setup.hospital,
    takePid,
    ...(returnPid ? { returnPid } : {}),
    pidHoldMs: settings.capture.pidHoldMinutes * 60_000,
    log: log.scope('queue'),
    nudge: () => engine.nudge(),
    onChange: emitChanged,
    portalLink: () => engine.portalLink,
    hold: () => engine.hold(),
  });
  const watchdog = new RegistrationWatchdog(
    {
      db: backgroundDb,
      client,
      log: log.scope('watchdog'),
      portalDown: () => engine.hold() !== null,
      holdsLease: () => engine.holdLease(),
      onRateLimited: (ms) => engine.holdForRateLimit(ms),
      onChange: emitChanged,
      scheduler,
    },
    settings.watchdog.pollSeconds * 1000,
  );

  // A failing disk shows on the storage link at once, not only in the error the operator sees.
  // Only a write that works clears it: reads go on under another program's write lock.
  function watchStore<T>(work: () => T, writes = false): T {
    try {
      if (writes) storeWatch.assertIntact();
      const result = work();
      if (writes) storeWatch.works();
      return result;
    } catch (error) {
      if (error instanceof StoreError) storeWatch.failed(error);
      throw error;
    }
  }

  engine.start();
  watchdog.start();
  engine.recheckNow();

  return {
    service,
    engine,
    watchdog,
    simulator,
    handlers: {
      'queue.summary': () => watchStore(() => service.summary()),
      'queue.list': ({ state, limit }) => watchStore(() => service.list(state, limit)),
      'queue.add': (input) => watchStore(() => service.add(input), true),
      'queue.retryNow': ({ id }) => watchStore(() => service.retryNow(id), true),
      'queue.resubmit': ({ id }) => watchStore(() => service.resubmit(id), true),
      'queue.resolve': ({ id, reason }) => watchStore(() => service.resolve(id, reason), true),
      'training.portalFaults': ({ spec }) => {
        if (!simulator) throw new MitraError('training_only', 'only in training mode', { messageKey: 'errors.trainingOnly' });
        simulator.setFaults(spec.trim() === '' ? 'none' : spec);
        if (spec.trim() === '' || spec.trim() === 'none') engine.recheckNow();
        return { spec };
      },
    },
    stop: async () => {
      watchdog.stop();
      await engine.stop();
      stopped = true;
      changeTask?.cancel();
      await simulator?.close();
    },
  };
}

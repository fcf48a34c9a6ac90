import type { AppInfo, Shell } from '../../shared/contract/app';
import { createDispatcher, type Dispatch, type Handlers } from '../contract/dispatch';
import { EventHub } from '../contract/events';
import { dataPaths } from '../config/paths';
import { loadSettings, resolveMode, updateSettingsFile, type ResolvedMode, type Settings } from '../config/settings';
import { startDevices } from '../device/start';
import { startQueue } from '../queue/start';
import { openStore } from '../storage/open-store';
import { insertCaptureAttempt } from '../storage/sql/capture-attempts';
import { guarded, openBackgroundConnection } from '../storage/database';
import { Scheduler } from '../base/scheduler';
import { HealthMonitor } from '../health/monitor';
import { StoreWatch } from '../health/store-watch';
import { StoreError } from '../storage/errors';
import { storageProbe } from '../health/storage-probe';
import { createLogger, type Logger } from '../logging/logger';
import type { AppPaths } from './paths';
import { version } from '../../../package.json';

export interface StartOptions {
  dataDir: string;
  paths: AppPaths;
  shell: Shell;
  env?: NodeJS.ProcessEnv;
  /** Defaults to electron-log writing rotating files under the data directory. */
  log?: Logger;
}

/** Everything a shell (Electron window or web host) needs from the running app. */
export interface RunningApp {
  settings: Settings;
  mode: ResolvedMode;
  log: Logger;
  dispatch: Dispatch;
  events: EventHub;
  health: HealthMonitor;
  info(): AppInfo;
  stop(): Promise<void>;
}

const STORAGE_CHECK_MS = 60_000;

/**
 * The composition root shared by every shell: load settings, open the log, start the services and
 * wire the contract's handlers. Nothing here imports Electron.
 */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { dataDir, shell } = options;
  const env = options.env ?? process.env;
  let settings = loadSettings(dataDir, env);
  const mode = resolveMode(settings);
  const log = options.log ?? createLogger({ dir: dataPaths(dataDir).logs, level: settings.log.level });
  log.info(`Mitra Desk ${version} starting: shell=${shell} mode=${mode.mode} (${mode.reason})`);

  // The one scheduler every timer and event callback runs through: a failure is logged (and a
  // database failure turns the storage link red), never thrown out of the process.
  const scheduler = new Scheduler((task, error) => {
    if (error instanceof StoreError) storeWatch.failed(error);
    log.error(`${task} failed`, error);
  });
  const events = new EventHub(log.scope('events'));
  const health = new HealthMonitor(log.scope('health'), undefined, scheduler);
  health.onChange((snapshot) => events.emit('health.changed', snapshot));

  const db = await openStore({ dataDir, ...dataPaths(dataDir) }, log);
  const backgroundDb = openBackgroundConnection(db);
  const storeWatch = new StoreWatch(health, backgroundDb);
  health.addProbe('storage', storageProbe({ dataDir, lowMb: settings.storage.lowMb, fullMb: settings.storage.fullMb, databaseProblem: () => storeWatch.check(), databaseProblemNow: () => storeWatch.current() }), STORAGE_CHECK_MS);
  const devices = await startDevices({
    scheduler,
    settings,
    mode: mode.mode,
    resourcesDir: options.paths.resourcesDir,
    health,
    events,
    log,
    recordAttempt: (sessionId, attempt) => guarded(db, () => insertCaptureAttempt(db, sessionId, attempt)),
  });
  let queue: Awaited<ReturnType<typeof startQueue>>;
  try {
    queue = await startQueue({ settings, mode: mode.mode, dataDir, db, backgroundDb, health, storeWatch, scheduler, events, log, takePid: (id) => devices.service.sessions.takePid(id), returnPid: (id, pid) => devices.service.sessions.restorePid(id, pid) });
  } catch (error) {
    // Nothing runs without the queue: close what was opened, then say why start-up failed.
    await devices.stop();
    backgroundDb.close();
    db.close();
    throw error;
  }

  const info = (): AppInfo => ({
    name: 'Mitra Desk',
    version,
    dataDir,
    mode: mode.mode,
    modeReason: mode.reason,
    shell,
    language: settings.language,
    kiosk: settings.kiosk,
    hospital: { code: settings.hospital.code, name: settings.hospital.name, state: settings.hospital.state },
  });

  const handlers: Handlers = {
    'app.info': () => info(),
    'app.setLanguage': ({ language }) => {
      updateSettingsFile(dataDir, { language });
      settings = { ...settings, language };
      log.info(`language set to ${language}`);
      return info();
    },
    'health.snapshot': () => health.snapshot(),
    ...devices.handlers,
    ...queue.handlers,
  };

  health.start();
  // Last resort: a kiosk keeps serving the desk when something nobody caught fails. Log it, do
  // not exit: everything that matters is committed to the database before any network call, and
  // every timer already runs through the guarded scheduler, so what reaches here is a bug.
  const onUnhandled = (reason: unknown) => log.error('unhandled promise rejection', reason);
  const onUncaught = (error: unknown) => {
    if (error instanceof StoreError) storeWatch.failed(error);
    log.error('uncaught exception (kept running)', error);
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUncaught);

  return {
    settings,
    mode,
    log,
    dispatch: createDispatcher(handlers, log.scope('contract')),
    events,
    health,
    info,
    stop: async () => {
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUncaught);
      health.stop();
      await queue.stop();
      await devices.stop();
      backgroundDb.close();
      db.close();
      log.info('Mitra Desk stopped');
    },
  };
}

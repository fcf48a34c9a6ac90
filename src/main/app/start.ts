import type { AppInfo, Shell } from '../../shared/contract/app';
import { createDispatcher, type Dispatch, type Handlers } from '../contract/dispatch';
import { EventHub } from '../contract/events';
import { dataPaths } from '../config/paths';
import { loadSettings, resolveMode, updateSettingsFile, type ResolvedMode, type Settings } from '../config/settings';
import { startDevices } from '../device/start';
import { openStore, startQueue } from '../queue/start';
import { insertCaptureAttempt } from '../storage/sql/capture-attempts';
import { guarded } from '../storage/database';
import { HealthMonitor } from '../health/monitor';
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

  const events = new EventHub(log.scope('events'));
  const health = new HealthMonitor(log.scope('health'));
  health.onChange((snapshot) => events.emit('health.changed', snapshot));
  health.addProbe('storage', storageProbe({ dataDir, lowMb: settings.storage.lowMb, fullMb: settings.storage.fullMb }), STORAGE_CHECK_MS);

  const db = await openStore(dataDir, log);
  const devices = await startDevices({
    settings,
    mode: mode.mode,
    resourcesDir: options.paths.resourcesDir,
    health,
    events,
    log,
    recordAttempt: (sessionId, attempt) => guarded(db, () => insertCaptureAttempt(db, sessionId, attempt)),
  });
  const queue = await startQueue({ settings, mode: mode.mode, dataDir, db, health, events, log, takePid: (id) => devices.service.sessions.takePid(id), returnPid: (id, pid) => devices.service.sessions.restorePid(id, pid) });

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
  // A kiosk keeps serving the desk when some promise nobody awaited fails: log it, do not exit.
  // (Everything that matters is already committed to the database before any network call.)
  const onUnhandled = (reason: unknown) => log.error('unhandled promise rejection', reason);
  process.on('unhandledRejection', onUnhandled);

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
      health.stop();
      await queue.stop();
      await devices.stop();
      db.close();
      log.info('Mitra Desk stopped');
    },
  };
}

import { dataPaths, resolveDataDir } from '../config/paths';
import { loadSettings, resolveMode, type Settings } from '../config/settings';
import { createLogger, type Logger } from '../logging/logger';
import { portalSetup } from '../queue/start';
import { standaloneQueue, type QueueService } from '../queue/service';
import type { Db } from '../storage/database';
import { openStore } from '../storage/open-store';
import type { CommandContext } from './command';

export interface CliStore {
  dataDir: string;
  settings: Settings;
  training: boolean;
  db: Db;
  log: Logger;
  close(): void;
}

/** The data directory's settings and database, for queue and sync commands (logs go to its log files). */
export async function openCliStore(context: CommandContext, dataDirArg: string | undefined): Promise<CliStore> {
  const dataDir = resolveDataDir(dataDirArg, context.env);
  const settings = loadSettings(dataDir, context.env);
  const training = resolveMode(settings).mode === 'training';
  const log = createLogger({ dir: dataPaths(dataDir).logs, level: settings.log.level, consoleLevel: false, logId: 'mitra-desk-cli' });
  const db = await openStore({ dataDir, ...dataPaths(dataDir) }, log, { backup: false });
  return { dataDir, settings, training, db, log, close: () => db.close() };
}

/** A queue service outside the app (no engine to nudge, no capture sessions). */
export function cliQueue(store: CliStore): QueueService {
  const setup = portalSetup(store.settings, store.training ? 'http://127.0.0.1:0' : null);
  return standaloneQueue({ db: store.db, dataDir: store.dataDir, hospital: setup.hospital, log: store.log.scope('queue'), pidHoldMs: store.settings.capture.pidHoldMinutes * 60_000 });
}

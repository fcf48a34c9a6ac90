import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The folder name Electron derives from productName; Node-only hosts use the same one. */
export const APP_DIR_NAME = 'Mitra Desk';

/**
 * Where Electron's `app.getPath('userData')` lands on each platform, computed without Electron so
 * the CLI and the web host share the app's data directory.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME);
}

/** `--data-dir` wins, then MITRA_DESK_DATA_DIR, then the platform default. */
export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit || env.MITRA_DESK_DATA_DIR;
  return chosen ? resolve(chosen) : defaultDataDir(env);
}

/** Files and folders inside the data directory, named in one place. */
export function dataPaths(dataDir: string) {
  return {
    settings: join(dataDir, 'settings.json'),
    logs: join(dataDir, 'logs'),
    database: join(dataDir, 'mitra-desk.db'),
    backups: join(dataDir, 'backups'),
  };
}

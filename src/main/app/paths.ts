import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the built pieces and shipped data live, for one way of running the app. */
export interface AppPaths {
  /** Root of the app (the repository in development, app.asar when packaged). */
  appRoot: string;
  rendererDir: string;
  preloadFile: string;
  /** Data shipped with the app: device catalogue, fonts, icons. */
  resourcesDir: string;
}

/**
 * Paths when running from this checkout or an unpacked build: the entry bundles sit in out/main,
 * so the app root is two levels up from them. Tests pass the repository root directly.
 */
export function appPathsFrom(appRoot: string, resourcesDir = join(appRoot, 'resources')): AppPaths {
  return {
    appRoot,
    rendererDir: join(appRoot, 'out', 'renderer'),
    preloadFile: join(appRoot, 'out', 'preload', 'index.cjs'),
    resourcesDir,
  };
}

/** The app root for a bundle file in out/main (its URL is the entry's import.meta.url). */
export function appRootFromBundle(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(dirname(fileURLToPath(moduleUrl)), '..', '..');
}

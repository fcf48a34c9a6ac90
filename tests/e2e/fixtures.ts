import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import type { z } from 'zod';
import type { Settings } from '../../src/main/config/settings';

import { cliBin, repoRoot } from '../support/paths';

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

/**
 * What a test sets in settings.json, as the file would hold it (every section optional). It reaches
 * the app as MITRA_DESK_SETTINGS, merged over the defaults the app writes on first start.
 */
export type DeskSettings = z.input<typeof Settings>;

export interface ServedApp {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
}

const START_TIMEOUT_MS = 20_000;

/**
 * Start the real built app as `npm start` does (`mitra-desk start`) on a free port and a fresh data
 * directory, and read the address from the line it prints, as an operator would. With no display,
 * Electron cannot open a window even where it is installed, so the app always falls back to serving.
 * `stop` ends the app and removes its data directory, also when it never got as far as serving.
 */
async function startApp(settings: DeskSettings): Promise<ServedApp & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitra-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [cliBin, 'start', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', MITRA_DESK_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not print its address within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /Mitra Desk is serving at (\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`app exited with ${code}:\n${output}`));
      });
    });
    const parsed = new URL(url);
    return {
      url,
      origin: parsed.origin,
      token: new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '',
      dataDir,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * `settings` is an option: a file or a describe block sets it with `test.use({ settings: {...} })`
 * (training mode and the app's defaults when it does not). `app` is the app served with those
 * settings, started for each test that asks for it and stopped after, its data directory removed.
 */
export const test = base.extend<{ settings: DeskSettings; app: ServedApp }>({
  settings: [{}, { option: true }],
  app: async ({ settings }, use) => {
    const app = await startApp(settings);
    try {
      await use(app);
    } finally {
      await app.stop();
    }
  },
});

export { expect } from '@playwright/test';

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

import { cliBin, repoRoot } from '../support/paths';

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export interface ServedApp {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
}

/**
 * Start the real built app as `npm start` does (`mitra-desk start`) on a free port and a fresh data
 * directory, and read the address from the line it prints, as an operator would. With no display,
 * Electron cannot open a window even where it is installed, so the app always falls back to serving.
 */
export async function serveApp(env: NodeJS.ProcessEnv = {}): Promise<ServedApp & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitra-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [cliBin, 'start', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not print its address:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Mitra Desk is serving at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`app exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '',
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ app: ServedApp }>({
  // Playwright requires the fixture's first argument to be an object pattern, even an empty one.
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const app = await serveApp();
    await use(app);
    await app.stop();
  },
});

export { expect } from '@playwright/test';

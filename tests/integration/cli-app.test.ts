import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKEN_HEADER } from '../../src/shared/contract/transport';
import { runCli, startCli } from '../support/cli';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
const SERVING = /Mitra Desk is serving at (http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+))/;

describe('mitra-desk start / serve', () => {
  it('start: says in one line that Electron cannot start, then serves the kiosk UI', async () => {
    const dataDir = tempDir();
    // No display: even where an Electron binary exists, it cannot open a window, so this always falls back.
    const app = await startCli(['start', '--port', '0', '--data-dir', dataDir], SERVING, { DISPLAY: '', WAYLAND_DISPLAY: '' }, 200_000);
    const lines = app.stdout().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Electron cannot start here \(.+\); serving the kiosk UI to a browser instead\.$/);
    expect(lines[1]).toMatch(SERVING);
    const [, , port, token] = app.match;
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain('<div id="root">');
    const info = await fetch(`http://127.0.0.1:${port}/api/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token! }, body: '{}' });
    expect(await info.json()).toMatchObject({ ok: true, value: { shell: 'web', mode: 'training', dataDir } });
    expect(await app.stop()).toBe(0);
    expect(readFileSync(join(dataDir, 'logs', 'main.log'), 'utf8')).toContain('Mitra Desk stopped');
  });

  it('serve: a fixed port is honoured and SIGTERM stops cleanly', async () => {
    const dataDir = tempDir();
    const probe = await startCli(['serve', '--port', '0', '--data-dir', dataDir], SERVING);
    const port = Number(probe.match[2]);
    await probe.stop();
    const app = await startCli(['serve', '--port', String(port), '--data-dir', dataDir], SERVING);
    expect(Number(app.match[2])).toBe(port);
    const clash = await runCli(['serve', '--port', String(port), '--data-dir', tempDir()]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`Port ${port} is already in use`);
    expect(await app.stop()).toBe(0);
  });

  it('an invalid settings file stops start-up with the file and field named', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ portal: { url: 'ftp://portal' } }));
    const result = await runCli(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('settings.json: field "portal.url"');
  });

  it('usage mistakes exit 2 with the usage; --help and --version answer', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command: frobnicate');
    const badPort = await runCli(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a whole number from 0 to 65535');
    const badFlag = await runCli(['serve', '--colour']);
    expect(badFlag.code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serve');
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../src/shared/contract/transport';
import { registerIpc } from '../../src/main/electron/ipc';
import { silentLogger } from '../../src/main/logging/logger';
import { fakeApp, sampleHealth, sampleInfo } from '../support/fake-app';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** Stands in for Electron's ipcMain: records the handler so the test can invoke it. */
class FakeIpcMain {
  handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(event: unknown, ...args: unknown[]) {
    const handler = this.handlers.get(IPC_CALL_CHANNEL);
    if (!handler) throw new Error('no handler');
    return handler(event as IpcMainInvokeEvent, ...args);
  }
}

function fakeContents(id: number) {
  const sent: unknown[][] = [];
  const contents = { id, isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args) } as unknown as WebContents;
  return { contents, sent };
}

function event(senderId: number, url: string, parent: unknown = null) {
  return { sender: { id: senderId }, senderFrame: { url, parent } };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const app = fakeApp();
  const ours = fakeContents(1);
  const dispose = registerIpc({ ipcMain: ipcMain as never, dispatch: app.dispatch, events: app.events, log: silentLogger, windows: () => [ours.contents] });
  return { ipcMain, app, ours, dispose };
}

describe('IPC registration (with a fake ipcMain)', () => {
  it('answers a valid call from our window showing our page', async () => {
    const { ipcMain } = setup();
    expect(await ipcMain.invoke(event(1, 'app://mitra/index.html'), 'app.info', {})).toEqual({ ok: true, value: sampleInfo });
  });

  it('rejects a bad payload with a typed error', async () => {
    const { ipcMain } = setup();
    const answer = await ipcMain.invoke(event(1, 'app://mitra/index.html'), 'app.setLanguage', { language: 'hi; rm -rf /' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const unknown = await ipcMain.invoke(event(1, 'app://mitra/index.html'), 'fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('rejects foreign senders: other pages, other windows, sub-frames, destroyed frames', async () => {
    const { ipcMain } = setup();
    const foreign = [
      event(1, 'https://evil.example/'),
      event(1, 'file:///tmp/page.html'),
      event(1, 'app://other/index.html'),
      event(2, 'app://mitra/index.html'),
      event(1, 'app://mitra/index.html', { url: 'app://mitra/index.html' }),
      { sender: { id: 1 }, senderFrame: null },
    ];
    for (const e of foreign) expect(await ipcMain.invoke(e, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('pushes contract events to our windows and stops after dispose', () => {
    const { app, ours, dispose, ipcMain } = setup();
    app.events.emit('health.changed', sampleHealth);
    expect(ours.sent).toEqual([[IPC_EVENT_CHANNEL, 'health.changed', sampleHealth]]);
    dispose();
    app.events.emit('health.changed', sampleHealth);
    expect(ours.sent).toHaveLength(1);
    expect(ipcMain.handlers.size).toBe(0);
  });
});

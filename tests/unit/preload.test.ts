import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, EVENT_NAMES } from '../../src/shared/contract/names';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type MitraBridge } from '../../src/shared/contract/transport';
import { appPaths } from '../support/paths';

/** Element Desktop's preload is a few lines over an allowlist; ours stays as small. */
const PRELOAD_LIMIT_BYTES = 5 * 1024;

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** Stands in for the `electron` module a sandboxed preload sees: records what it is asked to do. */
function fakeElectron() {
  const exposed = new Map<string, unknown>();
  const listeners: { channel: string; listener: IpcListener }[] = [];
  const invoked: unknown[][] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        if (exposed.has(key)) throw new Error(`${key} exposed twice`);
        exposed.set(key, api);
      },
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        invoked.push(args);
        return Promise.resolve({ ok: true, value: 'from main' });
      },
      on: (channel: string, listener: IpcListener) => {
        listeners.push({ channel, listener });
      },
      removeListener: (channel: string, listener: IpcListener) => {
        const at = listeners.findIndex((entry) => entry.channel === channel && entry.listener === listener);
        if (at >= 0) listeners.splice(at, 1);
      },
    },
  };
  /** Main sends an event on the one event channel, with an event object the page must never see. */
  const send = (name: unknown, payload: unknown) => {
    const ipcEvent = { sender: { send: () => 'the IPC sender' } };
    for (const { channel, listener } of [...listeners]) if (channel === IPC_EVENT_CHANNEL) listener(ipcEvent, name, payload);
  };
  return { electron, exposed, listeners, invoked, send };
}

type Fake = ReturnType<typeof fakeElectron>;

/** The file Electron loads: run it as a sandboxed preload is run, with a `require` that knows only electron. */
function loadBuilt(fake: Fake) {
  const code = readFileSync(appPaths.preloadFile, 'utf8');
  const required: string[] = [];
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
    return fake.electron;
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(sandboxRequire, module, module.exports);
  return required;
}

/** The source, with `electron` mocked. */
async function loadSource(fake: Fake) {
  vi.resetModules();
  vi.doMock('electron', () => fake.electron);
  await import('../../src/preload/index');
}

afterEach(() => {
  vi.doUnmock('electron');
});

describe('the built preload (out/preload/index.cjs)', () => {
  it(`stays under ${PRELOAD_LIMIT_BYTES} bytes: the name list, not the zod contract`, () => {
    const size = statSync(appPaths.preloadFile).size;
    expect(size, `out/preload/index.cjs is ${size} bytes; did the preload import the zod contract again?`).toBeLessThan(PRELOAD_LIMIT_BYTES);
    // No dependency is bundled (rolldown marks each with a `// node_modules/…` line), zod least of all.
    expect(readFileSync(appPaths.preloadFile, 'utf8')).not.toMatch(/node_modules\/|\b_zod\b|ZodError/);
  });

  it('requires electron and nothing else (all a sandboxed preload may)', () => {
    expect(loadBuilt(fakeElectron())).toEqual(['electron']);
  });
});

for (const [label, load] of [
  ['source', loadSource],
  ['built', loadBuilt],
] as const) {
  describe(`preload behaviour (${label})`, () => {
    async function setup() {
      const fake = fakeElectron();
      await load(fake);
      expect([...fake.exposed.keys()]).toEqual(['mitra']);
      return { ...fake, mitra: fake.exposed.get('mitra') as MitraBridge };
    }

    it('exposes exactly call and on as window.mitra', async () => {
      const { mitra } = await setup();
      expect(Object.keys(mitra).sort()).toEqual(['call', 'on']);
    });

    it('forwards every contract call over the one call channel, and refuses any other name without asking main', async () => {
      const { mitra, invoked } = await setup();
      for (const name of CALL_NAMES) expect(await mitra.call(name, { n: name })).toEqual({ ok: true, value: 'from main' });
      expect(invoked).toEqual(CALL_NAMES.map((name) => [IPC_CALL_CHANNEL, name, { n: name }]));
      invoked.length = 0;
      for (const name of ['fs.readFile', '__proto__', 'toString', 'health.changed', 42, null] as unknown as string[]) {
        expect(await mitra.call(name, {})).toMatchObject({ ok: false, error: { code: 'unknown_call', messageKey: 'errors.unknown_call' } });
      }
      expect(invoked).toEqual([]);
    });

    it('delivers only its own event, without the IPC event object, until unsubscribed', async () => {
      const { mitra, send, listeners } = await setup();
      for (const name of EVENT_NAMES) {
        const got: unknown[][] = [];
        const off = mitra.on(name, (...args: unknown[]) => got.push(args));
        send(name, { for: name });
        send(EVENT_NAMES.find((other) => other !== name), { not: name });
        send('not.an.event', {});
        expect(got).toEqual([[{ for: name }]]);
        off();
        send(name, { late: true });
        expect(got).toHaveLength(1);
        expect(listeners).toHaveLength(0);
      }
    });

    it('refuses to listen for names outside the contract or with no function', async () => {
      const { mitra, listeners } = await setup();
      for (const name of ['app.info', 'mitra:event', '__proto__', '']) expect(typeof mitra.on(name, () => {})).toBe('function');
      expect(typeof mitra.on(EVENT_NAMES[0], 'not a function' as unknown as () => void)).toBe('function');
      expect(listeners).toHaveLength(0);
    });
  });
}

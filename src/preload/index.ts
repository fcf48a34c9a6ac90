/**
 * The preload exposes exactly the contract and nothing else: `window.mitra.call(name, request)`
 * for the contract's calls and `window.mitra.on(name, listener)` for its events. Names outside the
 * contract are refused here; the main process validates every payload again.
 *
 * Keep it small (a sandboxed preload bundles all it imports): it takes the allowlist from the
 * zod-free `contract/names`, never from the contract's schemas. tests/unit/preload.test.ts holds
 * the built file under 5 KB.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCallName, isEventName } from '../shared/contract/names';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type MitraBridge } from '../shared/contract/transport';
import type { Envelope } from '../shared/contract/errors';
import { errorEnvelope } from '../shared/errors';

const bridge: MitraBridge = {
  call(name, request) {
    if (!isCallName(name)) return Promise.resolve(errorEnvelope('unknown_call', `not in the contract: ${String(name)}`));
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, name, request) as Promise<Envelope>;
  },
  on(name, listener) {
    if (!isEventName(name) || typeof listener !== 'function') return () => {};
    // The IPC event object never reaches the page: it would expose `sender`.
    const wrapped = (_event: IpcRendererEvent, eventName: unknown, payload: unknown) => {
      if (eventName === name) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('mitra', bridge);

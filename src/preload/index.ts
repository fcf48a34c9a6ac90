/**
 * The preload exposes exactly the contract and nothing else: `window.mitra.call(name, request)`
 * for the contract's calls and `window.mitra.on(name, listener)` for its events. Names outside the
 * contract are refused here; the main process validates every payload again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCallName, isEventName } from '../shared/contract';
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

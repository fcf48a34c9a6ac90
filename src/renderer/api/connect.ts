import type { MitraBridge } from '../../shared/contract/transport';
import { MitraClient } from './client';
import { takeToken, WebBridge, type ConnectionState } from './web-bridge';

declare global {
  interface Window {
    /** Present only inside the Electron window (see src/preload). */
    mitra?: MitraBridge;
  }
}

export interface Connection {
  client: MitraClient;
  /** Live link to the main process; always connected inside Electron. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** One contract, two transports: the Electron preload when present, else the loopback web host. */
export function connect(): Connection | { error: 'no-token' } {
  if (window.mitra) {
    return { client: new MitraClient(window.mitra), onConnection: (listener) => (listener('connected'), () => {}) };
  }
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (!token) return { error: 'no-token' };
  const bridge = new WebBridge(token);
  return { client: new MitraClient(bridge), onConnection: (listener) => bridge.onConnection(listener) };
}

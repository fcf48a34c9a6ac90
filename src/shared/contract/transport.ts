import type { Envelope } from './errors';

/** The one IPC channel for calls (invoke/handle) and the one for events (send/on). */
export const IPC_CALL_CHANNEL = 'mitra:call';
export const IPC_EVENT_CHANNEL = 'mitra:event';

/** Web host: calls are `POST ${API_PREFIX}<name>`, events stream from `EVENTS_PATH`. */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const TOKEN_HEADER = 'x-mitra-token';

/**
 * The untyped bridge a transport offers: what the preload exposes as `window.mitra` and what
 * the web client implements. The renderer wraps it in a typed, validating client.
 */
export interface MitraBridge {
  call(name: string, request: unknown): Promise<Envelope>;
  on(name: string, listener: (payload: unknown) => void): () => void;
}

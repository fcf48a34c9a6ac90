import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/contract/transport';
import { ContractErrorCode } from '../../shared/contract/errors';
import { errorEnvelope } from '../../shared/errors';
import type { Dispatch } from '../contract/dispatch';
import type { EventHub } from '../contract/events';
import type { Logger } from '../logging/logger';

/** The scheme and host the renderer is served from (see protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'mitra';

/** The parts of an IPC event the sender check reads (so tests can pass a plain object). */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>;

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: Dispatch;
  events: EventHub;
  log: Logger;
  /** The app's own windows' contents: the only ones allowed to call and to hear events. */
  windows: () => WebContents[];
}

/**
 * A call is honoured only from the top frame of one of our windows showing our own page:
 * not from an iframe, not from a page that navigated elsewhere, not from another window.
 */
export function isTrustedSender(event: SenderEvent, windows: () => WebContents[]): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!windows().some((contents) => contents.id === event.sender.id)) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Wire the whole contract onto one IPC channel and push events to our windows. Returns an undo. */
export function registerIpc({ ipcMain, dispatch, events, log, windows }: IpcOptions): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name: unknown, payload: unknown) => {
    if (!isTrustedSender(event, windows)) {
      log.warn('refused IPC call from an untrusted sender', { url: event.senderFrame?.url ?? '(gone)' });
      return errorEnvelope(ContractErrorCode.forbidden, 'sender not allowed');
    }
    return dispatch(name, payload, { transport: 'ipc' });
  });
  const unsubscribe = events.subscribe((name, payload) => {
    for (const contents of windows()) {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}

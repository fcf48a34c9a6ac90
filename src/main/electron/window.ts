import { BrowserWindow, Menu, type WebContents } from 'electron';
import type { Logger } from '../logging/logger';
import { windowPreferences } from './preferences';
import { RENDERER_URL } from './protocol';

export interface WindowOptions {
  preloadFile: string;
  kiosk: boolean;
  /** A packaged build (app.isPackaged): no DevTools. */
  packaged: boolean;
  log: Logger;
}

/** The single app window, hardened: isolated, sandboxed, no Node, web security on. */
export function createMainWindow({ preloadFile, kiosk, packaged, log }: WindowOptions): BrowserWindow {
  if (kiosk) Menu.setApplicationMenu(null);
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    show: false,
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#f7f4ee',
    title: 'Mitra Desk',
    webPreferences: windowPreferences({ preloadFile, kiosk, packaged }),
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone; reloading', { reason: details.reason });
    if (!window.isDestroyed()) void window.loadURL(RENDERER_URL);
  });
  void window.loadURL(RENDERER_URL);
  return window;
}

/**
 * Applied to every web contents the app ever creates: no navigation away from the app, no new
 * windows, no webviews. Links to the outside world are simply refused.
 */
export function lockDownContents(contents: WebContents, log: Logger): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== RENDERER_URL) {
      event.preventDefault();
      log.warn('blocked navigation', { url: url.slice(0, 200) });
    }
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('blocked new window', { url: url.slice(0, 200) });
    return { action: 'deny' };
  });
}

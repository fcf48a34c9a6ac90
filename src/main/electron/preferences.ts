import type { WebPreferences } from 'electron';

/**
 * The window's web preferences, hardened: isolated, sandboxed, no Node, web security on.
 * DevTools only in a development build outside kiosk mode: a packaged desk never opens them.
 * (No Electron import here, so tests can check them without Electron.)
 */
export function windowPreferences({ preloadFile, kiosk, packaged }: { preloadFile: string; kiosk: boolean; packaged: boolean }): WebPreferences {
  return {
    preload: preloadFile,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    devTools: !kiosk && !packaged,
    navigateOnDragDrop: false,
  };
}

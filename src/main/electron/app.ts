/**
 * Electron entry: single instance, hardened session and window, the app:// protocol, IPC.
 * Everything else lives in plain Node modules started by ../app/start.ts.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { appPathsFrom } from '../app/paths';
import { startApp, type RunningApp } from '../app/start';
import { registerIpc } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { createMainWindow, lockDownContents } from './window';

let running: RunningApp | undefined;
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme();
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    if (running) lockDownContents(contents, running.log.scope('security'));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void running?.stop());
  app.whenReady().then(start, (error: unknown) => fatal(error));
}

async function start(): Promise<void> {
  const paths = appPathsFrom(app.getAppPath(), app.isPackaged ? join(process.resourcesPath, 'resources') : undefined);
  const dataDir = process.env.MITRA_DESK_DATA_DIR || app.getPath('userData');
  try {
    running = await startApp({ dataDir, paths, shell: 'electron' });
  } catch (error) {
    fatal(error);
    return;
  }
  const log = running.log.scope('electron');

  // The kiosk needs no camera, microphone, USB chooser or notifications from the web layer:
  // hardware is reached from the main process only.
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`denied permission request: ${permission}`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  serveRenderer(paths.rendererDir);
  mainWindow = createMainWindow({ preloadFile: paths.preloadFile, kiosk: running.settings.kiosk, packaged: app.isPackaged, log });
  registerIpc({ ipcMain, dispatch: running.dispatch, events: running.events, log, windows: () => BrowserWindow.getAllWindows().map((w) => w.webContents) });
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Mitra Desk cannot start', message);
  app.exit(1);
}

import { describe, expect, it } from 'vitest';
import { windowPreferences } from '../../src/main/electron/preferences';

describe('the window is hardened in every build', () => {
  it.each([
    [{ kiosk: false, packaged: false }, true],
    [{ kiosk: true, packaged: false }, false],
    [{ kiosk: false, packaged: true }, false],
    [{ kiosk: true, packaged: true }, false],
  ])('%o: DevTools %s', (build, devTools) => {
    const prefs = windowPreferences({ preloadFile: '/app/preload.cjs', ...build });
    expect(prefs.devTools).toBe(devTools);
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
  });
});

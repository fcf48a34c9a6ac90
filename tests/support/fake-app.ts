import type { AppInfo, HealthSnapshot } from '../../src/shared/contract';
import { MitraError } from '../../src/shared/errors';
import { createDispatcher, type Handlers } from '../../src/main/contract/dispatch';
import { EventHub } from '../../src/main/contract/events';
import { silentLogger } from '../../src/main/logging/logger';

export const sampleInfo: AppInfo = {
  name: 'Mitra Desk',
  version: '0.0.0-test',
  dataDir: '/tmp/x',
  mode: 'training',
  modeReason: 'no-portal-configured',
  shell: 'web',
  language: 'en',
  kiosk: false,
  hospital: { code: '', name: '', state: '' },
};

export const sampleHealth: HealthSnapshot = { links: [], updatedAt: new Date(0).toISOString() };

/** Contract handlers with controllable answers, for transport tests. */
export function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    'app.info': () => sampleInfo,
    'app.setLanguage': ({ language }) => ({ ...sampleInfo, language }),
    'health.snapshot': () => sampleHealth,
    ...overrides,
  } as Handlers;
}

export function fakeApp(overrides: Partial<Handlers> = {}) {
  const events = new EventHub(silentLogger);
  return { events, dispatch: createDispatcher(fakeHandlers(overrides), silentLogger) };
}

export { MitraError };

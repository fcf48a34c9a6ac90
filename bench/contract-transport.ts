/**
 * Contract round-trip cost: an in-process dispatch versus the same call through the loopback web
 * host (HTTP + JSON + token and Host checks). The UI makes a handful of calls per screen, so the
 * goal is only that the web transport stays in the low milliseconds.
 */
import { silentLogger } from '../src/main/logging/logger';
import { startWebHost } from '../src/main/webhost/server';
import { TOKEN_HEADER } from '../src/shared/contract/transport';
import { fakeApp } from '../tests/support/fake-app';
import { appPaths } from '../tests/support/paths';
import { measure, printTable } from './lib';

const CALLS = 2_000;

const app = fakeApp();
const host = await startWebHost({ port: 0, rendererDir: appPaths.rendererDir, dispatch: app.dispatch, events: app.events, log: silentLogger });

const direct = await measure('dispatch in process', CALLS, () => app.dispatch('app.info', {}, { transport: 'ipc' }));
const web = await measure('web host (HTTP POST)', CALLS, async () => {
  const res = await fetch(`${host.origin}/api/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: host.token }, body: '{}' });
  await res.json();
});
await host.close();

printTable('contract call round trip', [direct, web], direct);

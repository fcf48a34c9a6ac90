import { protocol } from 'electron';
import { SECURITY_HEADERS } from '../security/csp';
import { readStaticFile } from '../security/static-files';
import { APP_HOST, APP_SCHEME } from './ipc';

/** Must run before `ready`: app:// behaves like https (secure context, same-origin rules). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serve the built renderer on app://mitra/ with the same CSP the web host sends. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? readStaticFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType } });
  });
}

export const RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

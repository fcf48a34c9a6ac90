import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN_HEADER } from '../../src/shared/contract/transport';
import { silentLogger, type Logger } from '../../src/main/logging/logger';
import { startWebHost, type WebHost } from '../../src/main/webhost/server';
import { fakeApp, sampleHealth, sampleInfo } from '../support/fake-app';
import { rawRequest } from '../support/http';
import { appPaths } from '../support/paths';

let host: WebHost;
let app: ReturnType<typeof fakeApp>;

beforeEach(async () => {
  app = fakeApp();
  host = await startWebHost({ port: 0, rendererDir: appPaths.rendererDir, dispatch: app.dispatch, events: app.events, log: silentLogger });
});
afterEach(() => host.close());

const json = (token?: string, extra: Record<string, string> = {}) => ({
  'Content-Type': 'application/json',
  ...(token ? { [TOKEN_HEADER]: token } : {}),
  ...extra,
});

describe('web host', () => {
  it('prints an address with the token in the fragment, on loopback', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the built renderer with the CSP and hardening headers', async () => {
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses paths that climb out of the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json', '/..%2f..%2fpackage.json', '/%00index.html', '/..\\package.json']) {
      const res = await rawRequest(host.port, { path });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).not.toContain('"name": "mitra-desk"');
    }
  });

  it('answers the contract only with the token', async () => {
    const call = (token?: string) => fetch(`${host.origin}/api/app.info`, { method: 'POST', headers: json(token), body: '{}' });
    expect((await call()).status).toBe(401);
    expect((await call('wrong')).status).toBe(401);
    expect((await call(`${host.token}x`)).status).toBe(401);
    const ok = await call(host.token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, value: sampleInfo });
  });

  it('refuses a non-loopback Host header (DNS rebinding) on every route', async () => {
    for (const hostHeader of ['evil.example', `evil.example:${host.port}`, `127.0.0.1.evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`]) {
      const api = await rawRequest(host.port, { method: 'POST', path: '/api/app.info', headers: { ...json(host.token), Host: hostHeader }, body: '{}' });
      expect({ hostHeader, status: api.status }).toEqual({ hostHeader, status: 403 });
      const page = await rawRequest(host.port, { path: '/', headers: { Host: hostHeader } });
      expect({ hostHeader, status: page.status }).toEqual({ hostHeader, status: 403 });
    }
    // HTTP/1.0 without any Host header at all.
    const bare = await new Promise<string>((resolve) => {
      const socket = connect(host.port, '127.0.0.1', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(bare.startsWith('HTTP/1.1 403')).toBe(true);
    const localhost = await rawRequest(host.port, { method: 'POST', path: '/api/app.info', headers: { ...json(host.token), Host: `localhost:${host.port}` }, body: '{}' });
    expect(localhost.status).toBe(200);
  });

  it('refuses calls from another origin even with the token', async () => {
    const res = await rawRequest(host.port, { method: 'POST', path: '/api/app.info', headers: { ...json(host.token), Host: `127.0.0.1:${host.port}`, Origin: 'https://evil.example' }, body: '{}' });
    expect(res.status).toBe(403);
  });

  it('gives a clear typed error for malformed requests', async () => {
    const post = (body: string | Buffer, headers = json(host.token)) => rawRequest(host.port, { method: 'POST', path: '/api/app.setLanguage', headers: { ...headers, Host: `127.0.0.1:${host.port}` }, body });
    const badJson = await post('{"language": ');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect((await post('{}', { [TOKEN_HEADER]: host.token, 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post(Buffer.alloc(300 * 1024, 0x20))).status).toBe(413);
    const wrongShape = await post('{"language":"klingon"}');
    expect(wrongShape.status).toBe(200);
    expect(JSON.parse(wrongShape.body)).toMatchObject({ ok: false, error: { code: 'invalid_request', params: { detail: expect.stringContaining('language') } } });
    const get = await rawRequest(host.port, { path: '/api/app.info', headers: { [TOKEN_HEADER]: host.token, Host: `127.0.0.1:${host.port}` } });
    expect(get.status).toBe(405);
  });

  it('checks the token before anything else on /api, and answers malformed percent-encoding with 400, logging no error', async () => {
    const logged: { level: string; message: string }[] = [];
    const capture = (): Logger => ({
      error: (message) => logged.push({ level: 'error', message }),
      warn: (message) => logged.push({ level: 'warn', message }),
      info: (message) => logged.push({ level: 'info', message }),
      debug: (message) => logged.push({ level: 'debug', message }),
      scope: () => capture(),
    });
    const own = await startWebHost({ port: 0, rendererDir: appPaths.rendererDir, dispatch: app.dispatch, events: app.events, log: capture() });
    try {
      // One connection per request: a GET with a body left unread would spoil a kept-alive connection for the next one.
      const hostHeader = { Host: `127.0.0.1:${own.port}`, Connection: 'close' };
      // No token: refused before the method, the path or the body is looked at.
      for (const [method, path] of [['POST', '/api/%ZZ'], ['GET', '/api/%ZZ'], ['POST', '/api/%E0%A4'], ['GET', '/api/app.info'], ['DELETE', '/api/events']]) {
        const res = await rawRequest(own.port, { method: method!, path: path!, headers: { 'Content-Type': 'application/json', ...hostHeader }, ...(method === 'POST' ? { body: '{}' } : {}) });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      }
      const evil = await rawRequest(own.port, { method: 'POST', path: '/api/%ZZ', headers: { ...json(own.token), ...hostHeader, Origin: 'https://evil.example' }, body: '{}' });
      expect(evil.status).toBe(403);
      for (const path of ['/api/%ZZ', '/api/app.%', '/api/%E0%A4']) {
        const res = await rawRequest(own.port, { method: 'POST', path, headers: { ...json(own.token), ...hostHeader }, body: '{}' });
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
        expect(res.body).not.toMatch(/URIError|\n\s+at /);
      }
      const encoded = await rawRequest(own.port, { method: 'POST', path: '/api/app%2Einfo', headers: { ...json(own.token), ...hostHeader }, body: '{}' });
      expect(JSON.parse(encoded.body)).toEqual({ ok: true, value: sampleInfo });
      expect(logged.filter((entry) => entry.level === 'error')).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('streams contract events to a client holding the token', async () => {
    expect((await fetch(`${host.origin}/api/events`)).status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`${host.origin}/api/events`, { headers: { [TOKEN_HEADER]: host.token }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const first = await reader.read();
    text += decoder.decode(first.value);
    app.events.emit('health.changed', sampleHealth);
    while (!text.includes('event: health.changed')) text += decoder.decode((await reader.read()).value);
    while (!text.includes('\n\n', text.indexOf('event: health.changed'))) text += decoder.decode((await reader.read()).value);
    const frame = text.slice(text.indexOf('event: health.changed')).split('\n\n')[0]!;
    expect(JSON.parse(frame.split('\ndata: ')[1]!)).toEqual(sampleHealth);
    controller.abort();
  });

  it('listens on loopback only', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((nic) => nic && nic.family === 'IPv4' && !nic.internal);
    if (!external) return; // a machine with no other interface cannot be reached from outside anyway
    await expect(fetch(`http://${external.address}:${host.port}/`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/main/contract/dispatch';
import { EventHub } from '../../src/main/contract/events';
import type { Logger } from '../../src/main/logging/logger';
import { fakeHandlers, MitraError, sampleHealth, sampleInfo } from '../support/fake-app';

const ctx = { transport: 'web' as const };

function recordingLogger() {
  const lines: string[] = [];
  const log: Logger = {
    error: (m) => lines.push(`error ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    info: () => {},
    debug: () => {},
    scope: () => log,
  };
  return { log, lines };
}

describe('contract dispatcher', () => {
  it('answers a valid call with the handler value', async () => {
    const dispatch = createDispatcher(fakeHandlers(), recordingLogger().log);
    expect(await dispatch('app.info', {}, ctx)).toEqual({ ok: true, value: sampleInfo });
  });

  it('refuses names outside the contract, including prototype keys', async () => {
    const dispatch = createDispatcher(fakeHandlers(), recordingLogger().log);
    for (const name of ['app.shutdown', '__proto__', 'constructor', 42, null]) {
      const answer = await dispatch(name, {}, ctx);
      expect(answer).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    }
  });

  it('refuses payloads that do not match the schema before the handler runs', async () => {
    let ran = false;
    const dispatch = createDispatcher(
      fakeHandlers({
        'app.setLanguage': () => {
          ran = true;
          return sampleInfo;
        },
      }),
      recordingLogger().log,
    );
    for (const payload of [{ language: 'fr' }, { language: 'hi', extra: true }, 'hi', null, { language: { $gt: '' } }]) {
      const answer = await dispatch('app.setLanguage', payload, ctx);
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_request', messageKey: 'errors.invalid_request' } });
    }
    expect(ran).toBe(false);
  });

  it('passes typed errors through and hides unexpected ones', async () => {
    const { log, lines } = recordingLogger();
    const dispatch = createDispatcher(
      fakeHandlers({
        'app.info': () => {
          throw new MitraError('portal_down', 'portal is down', { params: { state: 'BR' } });
        },
        'health.snapshot': () => {
          throw new Error('database path /secret/file exploded');
        },
      }),
      log,
    );
    expect(await dispatch('app.info', {}, ctx)).toEqual({
      ok: false,
      error: { code: 'portal_down', message: 'portal is down', messageKey: 'errors.portal_down', params: { state: 'BR' } },
    });
    const hidden = await dispatch('health.snapshot', {}, ctx);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(JSON.stringify(hidden)).not.toContain('/secret/file');
    expect(lines.some((line) => line.startsWith('error call health.snapshot failed'))).toBe(true);
  });

  it('refuses to send an answer that breaks the contract', async () => {
    const dispatch = createDispatcher(fakeHandlers({ 'health.snapshot': () => ({ ...sampleHealth, links: [{ id: 'toaster' }] }) as never }), recordingLogger().log);
    expect(await dispatch('health.snapshot', {}, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
  });

  it('events outside the contract are dropped, valid ones reach every subscriber', () => {
    const { log, lines } = recordingLogger();
    const hub = new EventHub(log);
    const got: unknown[] = [];
    hub.subscribe((name, payload) => got.push([name, payload]));
    hub.emit('health.changed', sampleHealth);
    hub.emit('health.changed', { links: 'nope' } as never);
    expect(got).toEqual([['health.changed', sampleHealth]]);
    expect(lines.some((line) => line.includes('dropped'))).toBe(true);
  });
});

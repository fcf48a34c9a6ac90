import { afterEach, describe, expect, it } from 'vitest';
import type { RdDeviceInfo, RdServiceEntry } from '../../src/shared/contract/device';
import { CaptureSessions, type CaptureSettings } from '../../src/main/device/capture/sessions';
import { DEFAULT_ROTATION } from '../../src/main/device/capture/policy';
import { RdClient } from '../../src/main/device/rd/client';
import { discover } from '../../src/main/device/rd/discovery';
import { startRdEmulator, type RdEmulator } from '../../src/main/device/emulator/server';
import type { EmulatorScriptInput } from '../../src/main/device/emulator/script';
import { silentLogger } from '../../src/main/logging/logger';

const settings: CaptureSettings = { attempts: 3, threshold: 40, rotation: DEFAULT_ROTATION, timeoutMs: 2_000, env: 'P', models: {} };
let emulator: RdEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(script: EmulatorScriptInput, overrides: Partial<CaptureSettings> = {}, clock?: { now: Date }) {
  emulator = await startRdEmulator({ port: 0, script });
  const client = new RdClient({ infoTimeoutMs: 2_000, captureGraceMs: 1_000 });
  const [service] = await discover({ host: '127.0.0.1', ports: [emulator.port], schemes: ['http'], timeoutMs: 1_000 });
  const device = await client.deviceInfo(service!);
  let target: { service: RdServiceEntry; device: RdDeviceInfo | null } | null = { service: service!, device };
  const sessions = new CaptureSessions({
    client,
    settings: { ...settings, ...overrides },
    target: () => target,
    noTargetReason: () => ({ key: 'capture.error.noService', params: {} }),
    catalogueThreshold: () => undefined,
    log: silentLogger,
    holdMs: 30 * 60_000,
    now: clock ? () => clock.now : undefined,
  });
  return { sessions, unplug: () => (target = null) };
}

describe('capture sessions against the emulator', () => {
  it('retries with guidance, then accepts; the PID block stays in the main process', async () => {
    const { sessions } = await setup({ captures: [{ qScore: 18, nmPoints: 9 }, { qScore: 33, nmPoints: 22 }, { qScore: 61, nmPoints: 35 }] });
    const start = sessions.start();
    expect(start).toMatchObject({ phase: 'capturing', finger: 'RIGHT_THUMB', attempt: 0, attemptsPerFinger: 3, threshold: 40, device: { model: 'MFS100', emulated: true } });
    const first = await sessions.capture(start.sessionId);
    expect(first).toMatchObject({ phase: 'capturing', attempt: 1, guidance: { key: 'capture.guidance.veryLow' }, last: { qScore: 18 } });
    const second = await sessions.capture(start.sessionId);
    expect(second.guidance.key).toBe('capture.guidance.low');
    const third = await sessions.capture(start.sessionId);
    expect(third).toMatchObject({ phase: 'accepted', best: { qScore: 61, finger: 'RIGHT_THUMB' } });
    expect(JSON.stringify(third)).not.toMatch(/Skey|Hmac|PidData/);
    const pid = sessions.takePid(start.sessionId);
    expect(pid?.reveal()).toContain('<Skey ci="EMULATED">');
    expect(sessions.takePid(start.sessionId)).toBeNull(); // handed over once, then gone
  });

  it('keeps the best attempt when the rotation runs out', async () => {
    const { sessions } = await setup({ captures: [{ qScore: 22 }, { qScore: 31 }, { qScore: 12 }], repeat: 'cycle' }, { rotation: ['RIGHT_THUMB', 'LEFT_THUMB'] });
    const { sessionId } = sessions.start();
    let state = sessions.state(sessionId);
    for (let i = 0; i < 6; i++) state = await sessions.capture(sessionId);
    expect(state.phase).toBe('fallback');
    expect(state.best).toMatchObject({ qScore: 31 });
    expect(sessions.takePid(sessionId)).not.toBeNull();
  });

  it('a device problem does not use up an attempt, and capture resumes after the fix', async () => {
    const { sessions } = await setup({ captures: [{ qScore: 20 }, { qScore: 70 }] });
    const { sessionId } = sessions.start();
    await sessions.capture(sessionId);
    emulator!.setStatus('USED');
    const blocked = await sessions.capture(sessionId);
    expect(blocked).toMatchObject({ phase: 'device-problem', attempt: 1, guidance: { key: 'rd.error.710' } });
    emulator!.setStatus('READY');
    expect(await sessions.capture(sessionId)).toMatchObject({ phase: 'accepted', attempt: 2 });
  });

  it('no service at all is a device problem with a plain message', async () => {
    const { sessions, unplug } = await setup({});
    const { sessionId } = sessions.start();
    unplug();
    expect(await sessions.capture(sessionId)).toMatchObject({ phase: 'device-problem', guidance: { key: 'capture.error.noService' } });
  });

  it('per-model settings change the threshold', async () => {
    const { sessions } = await setup({ captures: [{ qScore: 45 }] }, { models: { MFS100: { threshold: 50 } } });
    const { sessionId, threshold } = sessions.start();
    expect(threshold).toBe(50);
    expect((await sessions.capture(sessionId)).phase).toBe('capturing');
  });

  it('drops a held PID block once the hold time has passed', async () => {
    const clock = { now: new Date() };
    const { sessions } = await setup({}, {}, clock);
    const { sessionId } = sessions.start();
    expect((await sessions.capture(sessionId)).phase).toBe('accepted');
    clock.now = new Date(clock.now.getTime() + 31 * 60_000);
    expect(sessions.takePid(sessionId)).toBeNull();
  });

  it('refuses a second capture while one runs, and unknown sessions', async () => {
    const { sessions } = await setup({ captures: [{ delayMs: 300, qScore: 70 }] });
    const { sessionId } = sessions.start();
    const first = sessions.capture(sessionId);
    await expect(sessions.capture(sessionId)).rejects.toMatchObject({ code: 'capture_busy' });
    await first;
    await expect(sessions.capture('nope')).rejects.toMatchObject({ code: 'capture_session_unknown', messageKey: 'capture.error.sessionGone' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { CallName, CallRequest, CallResponse } from '../../src/shared/contract';
import { startApp, type RunningApp } from '../../src/main/app/start';
import { createLogger } from '../../src/main/logging/logger';
import { dataPaths } from '../../src/main/config/paths';
import { registrableMembers } from '../../src/main/portal/simulator/data';
import { appPaths } from '../support/paths';
import { forbiddenTraces } from '../support/privacy';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
let app: RunningApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>> {
  const answer = await app!.dispatch(name, request, { transport: 'web' });
  if (!answer.ok) throw new Error(`${name}: ${answer.error.code} ${answer.error.message}`);
  return answer.value as CallResponse<N>;
}

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the whole app in training mode (in process, through the contract)', () => {
  it('fingerprint captured, registration recorded with buffered authentication, delivered; no Aadhaar number or PID block left on disk', async () => {
    const dataDir = tempDir();
    const env = { MITRA_DESK_SETTINGS: JSON.stringify({ training: { rdScript: { captures: [{ qScore: 71, nmPoints: 40 }] }, portalSeed: 21 }, sync: { baseDelayMs: 100 } }) };
    app = await startApp({ dataDir, paths: appPaths, shell: 'web', env, log: createLogger({ dir: dataPaths(dataDir).logs, consoleLevel: false }) });
    expect(app.mode.mode).toBe('training');

    await until(() => call('device.scan', {}), (s) => s.diagnosis === 'ready');
    const session = await call('device.captureStart', {});
    const captured = await call('device.capture', { sessionId: session.sessionId });
    expect(captured.phase).toBe('accepted');
    expect(JSON.stringify(captured)).not.toContain('PidData');

    const member = registrableMembers((await import('../../src/main/portal/simulator/data')).generateFamilies(21), 'BR')[0]!;
    const entry = await call('queue.add', {
      kind: 'inpatient',
      patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR', aadhaar: member.aadhaar, mobile: member.mobile },
      admittedAt: new Date().toISOString(),
      verification: { method: 'fingerprint', captureSessionId: session.sessionId },
    });
    expect(entry).toMatchObject({ state: 'queued', aadhaarLast4: member.aadhaar.slice(-4) });
    const done = await until(() => call('queue.list', {}), (list) => list[0]?.state === 'registered');
    expect(done[0]).toMatchObject({ state: 'registered', portalStatus: 'active' });
    expect(done[0]!.expiresAt).not.toBeNull();
    const health = await call('health.snapshot', {});
    expect(Object.fromEntries(health.links.map((l) => [l.id, l.status]))).toMatchObject({ scanner: 'ok', rdService: 'ok', network: 'ok', portal: 'ok', state: 'ok', storage: 'ok' });

    // The held capture was handed over once: it cannot be used for a second registration.
    await expect(call('queue.add', { kind: 'outpatient', patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR' }, admittedAt: new Date().toISOString(), verification: { method: 'fingerprint', captureSessionId: session.sessionId } })).rejects.toThrow(/pid_unavailable/);

    await app.stop();
    app = undefined;
    expect(forbiddenTraces(dataDir, [member.aadhaar])).toEqual([]);
  });

  it('training.portalFaults makes the simulated portal fail, and the queue shows the backlog until it is restored', async () => {
    const dataDir = tempDir();
    app = await startApp({ dataDir, paths: appPaths, shell: 'web', env: { MITRA_DESK_SETTINGS: JSON.stringify({ sync: { breakerThreshold: 2, probeMs: 200, baseDelayMs: 100 } }) }, log: createLogger({ consoleLevel: false }) });
    await call('training.portalFaults', { spec: 'outage' });
    const members = registrableMembers((await import('../../src/main/portal/simulator/data')).generateFamilies(7), 'BR');
    for (const member of members.slice(0, 3))
      await call('queue.add', { kind: 'inpatient', patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR' }, admittedAt: new Date().toISOString(), verification: { method: 'none-confirmed', confirmedBy: 'Sister Mary' } });
    const offline = await until(() => call('queue.summary', {}), (s) => s.portal === 'offline' || s.portal === 'probing');
    expect(offline.counts.queued + offline.counts.sending).toBe(3);
    expect(offline.oldestPendingAt).not.toBeNull();
    await call('training.portalFaults', { spec: 'none' });
    const drained = await until(() => call('queue.summary', {}), (s) => s.counts.registered === 3);
    expect(drained).toMatchObject({ portal: 'online', oldestPendingAt: null });
  });
});

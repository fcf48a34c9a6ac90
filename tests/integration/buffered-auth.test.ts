import { afterEach, describe, expect, it } from 'vitest';
import { RdClient } from '../../src/main/device/rd/client';
import { discover } from '../../src/main/device/rd/discovery';
import { startRdEmulator } from '../../src/main/device/emulator/server';
import type { PidBlock } from '../../src/main/base/pid-block';
import { getRegistration } from '../../src/main/storage/sql/registrations';
import { auditFor } from '../../src/main/storage/sql/audit';
import { harness, type Harness } from '../support/queue-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function capturePid(): Promise<PidBlock> {
  const emulator = await startRdEmulator({ port: 0 });
  try {
    const [service] = await discover({ host: '127.0.0.1', ports: [emulator.port], schemes: ['http'], timeoutMs: 1_000 });
    const answer = await new RdClient().capture(service!, { fingerCount: 1, fingerType: 'BOTH', position: 'RIGHT_THUMB', timeoutMs: 2_000, env: 'P' });
    return answer.pid!;
  } finally {
    await emulator.close();
  }
}

describe('buffered authentication', () => {
  it('verifies with the held PID block when the portal answers, then deletes it', async () => {
    h = await harness();
    h.pids.set('capture-1', await capturePid());
    const id = h.add(h.members[0]!, 'inpatient', { verification: { method: 'fingerprint', captureSessionId: 'capture-1' } });
    const row = () => h!.db.prepare('SELECT pid_ciphertext, pid_expires_at FROM outbox WHERE registration_id = ?').get(id) as { pid_ciphertext: Buffer | null; pid_expires_at: string | null };
    expect(row().pid_ciphertext?.length).toBeGreaterThan(1000);
    expect(row().pid_ciphertext!.toString('latin1')).not.toContain('PidData');
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    expect(getRegistration(h.db, id)?.state).toBe('registered');
    expect(row()).toEqual({ pid_ciphertext: null, pid_expires_at: null });
    expect(auditFor(h.db, id).map((a) => a.action)).toContain('verified-buffered');
    expect(h.sim.state().requests['POST /biometric/auth/verify']).toBe(1);
  });

  it('a PID block past its hold time is deleted and the entry asks for the patient to be verified again', async () => {
    h = await harness();
    h.pids.set('capture-2', await capturePid());
    const id = h.add(h.members[1]!, 'inpatient', { verification: { method: 'fingerprint', captureSessionId: 'capture-2' } });
    h.db.prepare('UPDATE outbox SET pid_expires_at = ? WHERE registration_id = ?').run(new Date(Date.now() - 1000).toISOString(), id);
    await h.engine.runOnce();
    expect(h.queue.list(undefined)[0]).toMatchObject({ state: 'needs-action', lastError: { key: 'sync.reason.pidExpired' } });
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE pid_ciphertext IS NOT NULL').get()).toEqual({ n: 0 });
    expect(h.sim.state().accepted).toHaveLength(0);
  });

  it('a capture that is gone cannot be queued, and verification is required', async () => {
    h = await harness();
    expect(() => h!.add(h!.members[2]!, 'inpatient', { verification: { method: 'fingerprint', captureSessionId: 'never-captured' } })).toThrow(/no held capture/);
    expect(() => h!.add(h!.members[2]!, 'inpatient', { verification: { method: 'otp' } })).toThrow(/needs a verified transaction/);
    expect(h.queue.summary().counts.queued).toBe(0);
  });
});

describe('held captures and deleted PID blocks', () => {
  it('a PID block sent and deleted leaves no trace in the database file or its WAL', async () => {
    h = await harness();
    h.pids.set('capture-3', await capturePid());
    const id = h.add(h.members[3]!, 'inpatient', { verification: { method: 'fingerprint', captureSessionId: 'capture-3' } });
    const sealed = (h.db.prepare('SELECT pid_ciphertext FROM outbox WHERE registration_id = ?').get(id) as { pid_ciphertext: Buffer }).pid_ciphertext;
    const probe = sealed.subarray(100, 164); // any 64 bytes of the ciphertext
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    expect(getRegistration(h.db, id)?.state).toBe('registered');
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const name of readdirSync(h.dataDir).filter((n) => n.startsWith('mitra-desk.db'))) expect({ name, found: readFileSync(join(h.dataDir, name)).includes(probe) }).toEqual({ name, found: false });
  });

  it('when the registration cannot be written, the capture goes back to its session', async () => {
    h = await harness();
    const pid = await capturePid();
    const returned: string[] = [];
    const { standaloneQueue } = await import('../../src/main/queue/service');
    const { silentLogger } = await import('../../src/main/logging/logger');
    const queue = standaloneQueue({ db: h.db, dataDir: h.dataDir, hospital: { code: 'H', state: 'BR' }, log: silentLogger, takePid: () => pid });
    Object.assign((queue as unknown as { deps: object }).deps, { returnPid: (id: string) => returned.push(id) });
    h.db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    const { RegistrationInput } = await import('../../src/shared/contract/queue');
    const member = h.members[4]!;
    expect(() =>
      queue.add(RegistrationInput.parse({ kind: 'inpatient', patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR' }, admittedAt: new Date().toISOString(), verification: { method: 'fingerprint', captureSessionId: 'capture-9' } })),
    ).toThrow();
    expect(returned).toEqual(['capture-9']);
  });

  it("a family member's biometric needs that member's id", async () => {
    const { RegistrationInput } = await import('../../src/shared/contract/queue');
    const base = { kind: 'inpatient', patient: { beneficiaryId: 'PMJBRABCDEFG', name: 'Sita Devi', state: 'BR' }, admittedAt: new Date().toISOString() };
    const missing = RegistrationInput.safeParse({ ...base, verification: { method: 'family-member', captureSessionId: 's' } });
    expect(missing.error?.issues[0]?.path).toEqual(['verification', 'familyMemberId']);
    expect(RegistrationInput.safeParse({ ...base, verification: { method: 'family-member', captureSessionId: 's', familyMemberId: 'PMJBRHIJKLMN' } }).success).toBe(true);
  });
});

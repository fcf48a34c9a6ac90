import { afterEach, describe, expect, it } from 'vitest';
import { getRegistration } from '../../src/main/storage/sql/registrations';
import { auditFor } from '../../src/main/storage/sql/audit';
import { harness, type Harness } from '../support/queue-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The simulated portal's clock: its registrations' lifetimes pass when the test says, not in real time. */
let portalClock = Date.now();
const portalNow = () => new Date(portalClock);

describe('registration watchdog', () => {
  it('raises a registration the portal cancelled, and re-submits it in one action with a new key, linked', async () => {
    portalClock = Date.now();
    h = await harness({ lifetimeMs: 400, now: portalNow });
    const id = h.add(h.members[0]!);
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    const registered = h.queue.list(undefined)[0]!;
    expect(registered).toMatchObject({ state: 'registered', portalStatus: 'active' });
    expect(Date.parse(registered.expiresAt!)).toBeGreaterThan(Date.now()); // the countdown's deadline, from the portal
    expect(await h.watchdog.pollOnce()).toBe(0);

    portalClock += 450;
    expect(await h.watchdog.pollOnce()).toBe(1);
    expect(getRegistration(h.db, id)).toMatchObject({ state: 'cancelled-by-portal', portalStatus: 'cancelled' });
    expect(h.queue.summary().cancelled).toEqual([{ id, patientName: h.members[0]!.name, portalRef: registered.portalRef, cancelledReason: expect.stringMatching(/no pre-authorisation/) }]);

    const again = h.queue.resubmit(id);
    expect(again).toMatchObject({ state: 'queued', resubmittedFrom: id });
    expect(h.queue.list(undefined).find((e) => e.id === id)).toMatchObject({ state: 'resubmitted', resubmittedAs: again.id });
    expect(h.queue.summary().cancelled).toEqual([]);
    expect(() => h!.queue.resubmit(id)).toThrow(/resubmitted/);
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    const accepted = h.sim.state().accepted;
    expect(accepted).toHaveLength(2);
    expect(new Set(accepted.map((a) => a.idempotencyKey)).size).toBe(2);
    expect(accepted.map((a) => a.clientReference)).toEqual([id, again.id]);
    expect(getRegistration(h.db, again.id)?.state).toBe('registered');
    expect(auditFor(h.db, id).map((a) => a.action)).toEqual(['created', 'registered', 'cancelled-by-portal', 'resubmitted']);
  });

  it('stops watching once pre-authorisation is raised', async () => {
    portalClock = Date.now();
    h = await harness({ lifetimeMs: 300, now: portalNow });
    const id = h.add(h.members[1]!);
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    h.sim.setStatus(getRegistration(h.db, id)!.portalRef!, 'preauth-raised');
    await h.watchdog.pollOnce();
    expect(getRegistration(h.db, id)).toMatchObject({ state: 'registered', portalStatus: 'preauth-raised' });
    portalClock += 350;
    expect(await h.watchdog.pollOnce()).toBe(0);
    expect(h.queue.list(undefined)[0]!.expiresAt).toBeNull(); // no countdown any more
  });

  it('does not poll while the portal is down', async () => {
    portalClock = Date.now();
    h = await harness({ lifetimeMs: 300, now: portalNow });
    h.add(h.members[2]!);
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    portalClock += 350;
    h.sim.setFaults('outage');
    expect(await h.watchdog.pollOnce()).toBe(0);
    h.sim.setFaults('none');
    expect(await h.watchdog.pollOnce()).toBe(1);
  });
});

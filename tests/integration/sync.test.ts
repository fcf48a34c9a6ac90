import { afterEach, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/main/storage/sql/outbox';
import { getRegistration } from '../../src/main/storage/sql/registrations';
import { inTransaction } from '../../src/main/storage/database';
import { SyncEngine } from '../../src/main/sync/engine';
import { silentLogger } from '../../src/main/logging/logger';
import { loadOrCreateKey } from '../../src/main/storage/secrets';
import { FAST_SYNC, harness, type Harness } from '../support/queue-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


/** Every local registration is registered, and the simulator accepted each exactly once under its own key. */
function expectExactlyOnce(harness: Harness, ids: string[]) {
  const state = harness.sim.state();
  expect(state.duplicates).toBe(0);
  expect(state.accepted.map((a) => a.clientReference).sort()).toEqual([...ids].sort());
  for (const id of ids) {
    const local = getRegistration(harness.db, id)!;
    expect(local.state).toBe('registered');
    const accepted = state.accepted.find((a) => a.clientReference === id)!;
    expect(local.portalRef).toBe(accepted.registrationId);
    expect(local.portalNumber).toBe(accepted.registrationNumber);
  }
}

describe('sync engine against the portal simulator', () => {
  it('delivers every queued registration exactly once, keyed by its client id', async () => {
    h = await harness();
    const ids = h.members.slice(0, 6).map((m) => h!.add(m));
    expect(h.queue.summary().counts.queued).toBe(6);
    expect(await h.engine.runUntilEmpty(Date.now() + 10_000)).toEqual({ left: 0, stoppedBy: null });
    expectExactlyOnce(h, ids);
    const outbox = h.db.prepare('SELECT id, registration_id FROM outbox').all() as { id: string; registration_id: string }[];
    for (const row of outbox) expect(h.sim.state().accepted.find((a) => a.clientReference === row.registration_id)?.idempotencyKey).toBe(row.id);
    expect(h.links.get('portal')?.status).toBe('ok');
  });

  it('outage then recovery: the breaker stops traffic, then the backlog drains at once, exactly once', async () => {
    let clock = Date.now();
    h = await harness({ faults: '5xx-burst=1000' }, { maxDelayMs: 60_000, baseDelayMs: 30_000 }, {}, () => new Date(clock));
    const ids = h.members.slice(0, 8).map((m) => h!.add(m));
    clock = Date.now();
    // Three failures in a row open the circuit; after that nothing is sent, only /health probed.
    for (let i = 0; i < 10 && h.engine.breaker.state === 'closed'; i++) {
      await h.engine.runOnce();
      inTransaction(h.db, () => h!.db.prepare('UPDATE outbox SET next_attempt_at = ?').run(new Date(0).toISOString()));
    }
    expect(h.engine.breaker.state).toBe('open');
    expect(h.engine.portalLink).toBe('offline');
    expect(h.links.get('portal')).toMatchObject({ status: 'down', messageKey: 'health.message.portalDown' });
    const postsAtOpen = h.sim.state().requests['POST /registrations'] ?? 0;
    // 600 ms of the engine's time, a pass every 40 ms: only health probes (100, 200, 400 ms apart) go out.
    for (let t = 0; t < 600; t += 40) {
      clock += 40;
      await h.engine.runOnce();
    }
    expect(h.sim.state().requests['POST /registrations'] ?? 0).toBe(postsAtOpen);
    expect(h.sim.state().requests['GET /health'] ?? 0).toBeGreaterThanOrEqual(2);
    // Every entry's own backoff is 0-30 s from now; recovery must not wait for it: the next probe
    // closes the circuit and the whole backlog is due in that same moment of the engine's time.
    h.sim.setFaults('none');
    clock += FAST_SYNC.maxProbeMs;
    for (let pass = 0; pass < 8 && h.engine.pending() > 0; pass++) await h.engine.runOnce();
    expect(h.engine.pending()).toBe(0);
    expect(h.engine.breaker.state).toBe('closed');
    expectExactlyOnce(h, ids);
  });

  it('a full outage (the portal drops every connection) opens the breaker and names the portal, not the network', async () => {
    h = await harness({ faults: 'outage' });
    h.add(h.members[0]!);
    for (let i = 0; i < 10 && h.engine.breaker.state === 'closed'; i++) {
      await h.engine.runOnce();
      inTransaction(h.db, () => h!.db.prepare('UPDATE outbox SET next_attempt_at = ?').run(new Date(0).toISOString()));
    }
    expect(h.engine.breaker.state).toBe('open');
    expect(h.links.get('portal')).toMatchObject({ status: 'down', messageKey: 'health.message.portalDown' });
    expect(h.links.get('network')).toMatchObject({ status: 'ok' });
    const [entry] = h.queue.list(undefined);
    expect(entry).toMatchObject({ state: 'queued', lastError: { key: 'sync.reason.portalDown' } });
    h.sim.setFaults('none');
    expect(await h.engine.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
  });

  it('no route to the portal at all names the network (and leaves the portal unjudged)', async () => {
    h = await harness();
    const offline = new SyncEngine({
      db: h.db,
      client: new (await import('../../src/main/portal/client')).PortalClient({ baseUrl: 'http://portal.invalid/api', credentials: { clientId: 'a', clientSecret: 'b' }, timeoutMs: 2_000, log: silentLogger }),
      pidKey: loadOrCreateKey(h.dataDir, 'pid-vault'),
      settings: FAST_SYNC,
      hospitalState: 'BR',
      log: silentLogger,
      report: (link, finding) => h!.links.set(link, finding),
    });
    h.add(h.members[0]!);
    await offline.runOnce();
    await offline.stop();
    expect(h.links.get('network')).toMatchObject({ status: 'down', messageKey: 'health.message.networkDown' });
    expect(h.links.get('portal')).toMatchObject({ status: 'unknown', messageKey: 'health.message.portalUnchecked' });
    expect(h.queue.list(undefined)[0]).toMatchObject({ state: 'queued', lastError: { key: 'sync.reason.network' } });
  });

  it.each([
    ['slow answers past the client timeout', 'slow=400', 'sync.reason.timeout'],
    ['timeouts (accepted, never answered)', 'timeout', 'sync.reason.timeout'],
    ['a 5xx burst', '5xx-burst=2', 'sync.reason.server'],
    ['malformed bodies', 'malformed=1', 'sync.reason.badResponse'],
  ])('%s: retried, then registered once the portal behaves', async (_name, spec, reason) => {
    h = await harness({ faults: spec }, { breakerThreshold: 50 }, { timeoutMs: 200 });
    const id = h.add(h.members[1]!);
    await h.engine.runOnce();
    expect(h.queue.list(undefined)[0]).toMatchObject({ id, state: 'queued', lastError: { key: reason } });
    h.sim.setFaults('none');
    expect(await h.engine.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
    expectExactlyOnce(h, [id]);
  });

  it('429 holds the whole desk exactly as long as Retry-After says (driven clock)', async () => {
    let clock = Date.now();
    h = await harness({ faults: '429=1:2' }, { maxDelayMs: 60_000, concurrency: 1 }, {}, () => new Date(clock));
    const ids = [h.add(h.members[2]!), h.add(h.members[3]!)];
    clock = Date.now();
    await h.engine.runOnce();
    const entry = h.queue.list(undefined).find((e) => e.id === ids[0])!;
    expect(entry).toMatchObject({ state: 'queued', lastError: { key: 'sync.reason.rateLimited' } });
    expect(Date.parse(entry.nextAttemptAt!) - clock).toBe(2_000);
    expect(h.engine.hold()).toEqual({ reason: 'rate-limited', since: null, until: new Date(clock + 2_000).toISOString() });
    expect(h.engine.breaker.consecutiveFailures).toBe(0);
    // Within the wait nothing at all is sent, not even the other patient's entry.
    const posts = () => h!.sim.state().requests['POST /registrations'] ?? 0;
    const sent = posts();
    clock += 1_999;
    await h.engine.runOnce();
    await h.engine.runOnce();
    expect(posts()).toBe(sent);
    clock += 1;
    await h.engine.runOnce();
    await h.engine.runOnce();
    expectExactlyOnce(h, ids);
  });

  it('a state missing from the portal: entries wait, the state link says so, the breaker stays closed', async () => {
    h = await harness({ faults: 'state-missing=BR' });
    const ids = h.members.slice(0, 4).map((m) => h!.add(m));
    for (let i = 0; i < 4; i++) {
      await h.engine.runOnce();
      inTransaction(h.db, () => h!.db.prepare('UPDATE outbox SET next_attempt_at = ?').run(new Date(0).toISOString()));
    }
    expect(h.engine.breaker.state).toBe('closed');
    expect(h.links.get('state')).toMatchObject({ status: 'down', messageKey: 'health.message.stateMissing', params: { state: 'BR' } });
    expect(h.queue.summary().counts.queued).toBe(4);
    h.sim.setFaults('none');
    expect(await h.engine.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
    expect(h.links.get('state')?.status).toBe('ok');
    expectExactlyOnce(h, ids);
  });

  it('an expired token is renewed once and the entry still goes through', async () => {
    let portalClock = Date.now();
    h = await harness({ faults: 'token-ttl=1', now: () => new Date(portalClock) });
    const first = h.add(h.members[3]!);
    expect(await h.engine.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
    portalClock += 1_100; // the portal's clock: the token it issued has expired
    const second = h.add(h.members[4]!);
    expect(await h.engine.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
    expectExactlyOnce(h, [first, second]);
    expect(h.sim.state().requests['POST /auth/refresh']).toBeGreaterThanOrEqual(1);
  });

  it('refusals go to needs-action with a reason the operator can act on', async () => {
    h = await harness();
    const elsewhere = h.sim.families.flatMap((f) => f.members.map((m) => ({ ...m, state: f.state, district: f.district, familyId: f.familyId }))).find((m) => m.admittedElsewhere && m.status === 'approved')!;
    const unknownId = h.add({ ...h.members[5]!, beneficiaryId: 'PMJBRNOSUCH1' });
    const elsewhereId = h.add(elsewhere);
    const old = h.add(h.members[6]!, 'inpatient', { admittedAt: new Date(Date.now() - 4 * 86_400_000).toISOString() });
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    const byId = Object.fromEntries(h.queue.list(undefined).map((e) => [e.id, e]));
    expect(byId[unknownId]).toMatchObject({ state: 'needs-action', lastError: { key: 'sync.reason.beneficiaryNotFound' } });
    expect(byId[elsewhereId]).toMatchObject({ state: 'needs-action', lastError: { key: 'sync.reason.admittedElsewhere' } });
    expect(byId[old]).toMatchObject({ state: 'registered' });
    expect(h.engine.breaker.state).toBe('closed');
    // Retry now puts it back; mark resolved closes it with an audited reason.
    h.queue.retryNow(unknownId);
    expect(h.queue.list('queued').map((e) => e.id)).toContain(unknownId);
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    const resolved = h.queue.resolve(unknownId, 'patient registered at the BIS counter instead');
    expect(resolved.state).toBe('resolved');
    expect(resolved.history.map((e) => e.event)).toEqual(expect.arrayContaining(['created', 'attempt-needs-action', 'retry-now', 'resolved']));
    expect(() => h!.db.prepare('UPDATE audit_log SET action = ?').run('x')).toThrow(/append-only/);
    expect(() => h!.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('wrong portal credentials: a desk-wide fault, entries wait (not needs-action), and resume once fixed', async () => {
    let clock = Date.now();
    h = await harness({}, { probeMs: 1_000 }, { clientSecret: '' }, () => new Date(clock));
    const ids = h.members.slice(0, 3).map((m) => h!.add(m));
    clock = Date.now();
    await h.engine.runOnce();
    expect(h.engine.hold()).toMatchObject({ reason: 'credentials' });
    expect(h.links.get('portal')).toMatchObject({ status: 'down', messageKey: 'health.message.portalCredentials' });
    expect(h.queue.list(undefined).map((e) => e.state)).toEqual(['queued', 'queued', 'queued']);
    expect(h.queue.list(undefined).some((e) => e.lastError?.key === 'sync.reason.credentials')).toBe(true);
    // Nothing more is tried until the fault's probe is due; `--until-empty` stops and says why.
    expect(await h.engine.runUntilEmpty()).toEqual({ left: 3, stoppedBy: 'desk-fault' });
    expect(h.sim.state().accepted).toHaveLength(0);
    // Support fixes the portal user: the probe notices, and the backlog goes without anyone pressing a button.
    h.setSecret('secret');
    clock += 1_000;
    await h.engine.runOnce();
    expect(h.engine.hold()).toBeNull();
    expect(await h.engine.runUntilEmpty()).toEqual({ left: 0, stoppedBy: null });
    expectExactlyOnce(h, ids);
  });

  it('inpatient before card requests, and one patient\'s entries keep their order', async () => {
    h = await harness({}, { concurrency: 1 });
    const [a, b] = h.members;
    const aCard = h.add(a!, 'card');
    const bOutpatient = h.add(b!, 'outpatient');
    const bInpatient = h.add(b!, 'inpatient');
    const aInpatient = h.add(a!, 'inpatient');
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    // At first only a's card and b's outpatient may go (each inpatient waits behind its own
    // patient's earlier entry): outpatient before card. Then b's inpatient is free and goes before
    // a's card; a's inpatient goes last, after a's card.
    expect(h.sim.state().accepted.map((x) => x.clientReference)).toEqual([bOutpatient, bInpatient, aCard, aInpatient]);
    const c = h.members[2]!;
    const d = h.members[3]!;
    const cCard = h.add(c, 'card');
    const dInpatient = h.add(d, 'inpatient');
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    const later = h.sim.state().accepted.map((x) => x.clientReference);
    expect(later.indexOf(dInpatient)).toBeLessThan(later.indexOf(cCard)); // different patients: inpatient first
  });

  it('entries found "sending" at start-up are sent again with the same key (and accepted once)', async () => {
    h = await harness();
    const id = h.add(h.members[0]!);
    const [claimed] = inTransaction(h.db, () => claimDue(h!.db, new Date().toISOString(), 5));
    // The portal got it, but the process died before recording the answer.
    await h.client.createRegistration({ ...JSON.parse(claimed!.payload).request, clientReference: id }, claimed!.outboxId);
    expect(getRegistration(h.db, id)?.state).toBe('sending');
    const restarted = new SyncEngine({ db: h.db, client: h.client, pidKey: loadOrCreateKey(h.dataDir, 'pid-vault'), settings: FAST_SYNC, hospitalState: 'BR', log: silentLogger });
    expect(await restarted.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
    await restarted.stop();
    expectExactlyOnce(h, [id]);
    expect(h.sim.state().accepted[0]!.deliveries).toBe(2);
  });
});

describe('sync engine: guards found in review', () => {
  it('keeps its lease through a delivery longer than the lease, so a second engine never sends the same entry', async () => {
    h = await harness({ faults: 'timeout' }, { leaseTtlMs: 300 }, { timeoutMs: 60_000 });
    const id = h.add(h.members[0]!);
    const second = new SyncEngine({ db: h.db, client: h.client, pidKey: loadOrCreateKey(h.dataDir, 'pid-vault'), settings: { ...FAST_SYNC, leaseTtlMs: 300 }, hospitalState: 'BR', log: silentLogger });
    const first = h.engine.runOnce();
    // Wait for the event that matters, not for time: the lease row renewed twice past its first expiry, the delivery still on the wire.
    const expiry = () => (h!.db.prepare('SELECT expires_at AS at FROM sync_lease').get() as { at: string } | undefined)?.at ?? '';
    const firstExpiry = expiry();
    while (expiry() <= new Date(Date.parse(firstExpiry) + 200).toISOString()) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await second.runOnce()).toEqual({ started: 0, leased: false });
    // End the hung call; the portal answers again, and the entry goes once.
    h.sim.setFaults('none');
    h.client.abortAll();
    await first;
    expect(await h.engine.runUntilEmpty(Date.now() + 5_000)).toEqual({ left: 0, stoppedBy: null });
    expect(h.sim.state().accepted.find((a) => a.clientReference === id)?.deliveries).toBe(1);
    await h.engine.stop();
    expect((await second.runOnce()).leased).toBe(true); // released on stop
    await second.stop();
  });

  it('a resend that finds the registration already cancelled by the portal raises it at once', async () => {
    let portalClock = Date.now();
    h = await harness({ lifetimeMs: 200, now: () => new Date(portalClock) });
    const id = h.add(h.members[0]!);
    // The portal registered it, but the answer never came back; then the desk was offline past the lifetime.
    const [claimed] = inTransaction(h.db, () => claimDue(h!.db, new Date().toISOString(), 1));
    await h.client.createRegistration({ ...JSON.parse(claimed!.payload).request, clientReference: id }, claimed!.outboxId);
    portalClock += 250; // past the portal's lifetime for it
    await h.engine.runUntilEmpty(Date.now() + 5_000);
    expect(getRegistration(h.db, id)).toMatchObject({ state: 'cancelled-by-portal', portalStatus: 'cancelled' });
    expect(h.queue.summary().cancelled.map((c) => c.id)).toEqual([id]);
  });

  it('a late answer cannot overwrite a state that moved on', async () => {
    h = await harness();
    const id = h.add(h.members[0]!);
    const outbox = h.queue.outbox(id)!;
    const { markRetry, markRegistered } = await import('../../src/main/storage/sql/outbox');
    const at = new Date().toISOString();
    // Not claimed (still queued): a sender's transitions change nothing.
    expect(markRetry(h.db, outbox.id, at, { key: 'x', params: {} }, at)).toBe(false);
    expect(markRegistered(h.db, outbox.id, { portalRef: 'r', portalNumber: 'n', portalStatus: 'active', registeredAt: at, expiresAt: at, cancelledReason: null }, at)).toBe(false);
    expect(getRegistration(h.db, id)?.state).toBe('queued');
  });
});

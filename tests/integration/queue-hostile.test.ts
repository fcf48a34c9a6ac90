import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueEntry, QueueSummary } from '../../src/shared/contract/queue';
import { PortalError } from '../../src/main/portal/errors';
import { getRegistration } from '../../src/main/storage/sql/registrations';
import { deskAgainst, type Desk } from '../support/desk';
import { startHostilePortal, type HostilePortal } from '../support/hostile-portal';

/*
 * The queue's promises against a portal that keeps to docs/portal-api.yaml but not to the habits
 * of our own simulator. Each case failed before the fix that names it (issue 7).
 */

let portal: HostilePortal | undefined;
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  await portal?.close();
  desk = undefined;
  portal = undefined;
});

const posts = (p: HostilePortal) => p.requests.filter((r) => r.route === 'create').length;

/** Every read the queue screen makes still answers in the contract's shape. */
function expectReadsWork(d: Desk) {
  expect(() => QueueSummary.parse(d.queue.summary())).not.toThrow();
  for (const entry of d.queue.list(undefined)) expect(() => QueueEntry.parse(entry)).not.toThrow();
}

describe('portal times and codes within the contract', () => {
  it('a time with an offset is stored in UTC, and the queue screen keeps working', async () => {
    portal = await startHostilePortal();
    portal.behave('*', { kind: 'offset-timestamps', offsetMinutes: 330, fraction: 'varying' });
    desk = deskAgainst(portal.url);
    const id = desk.add('PMJAY-0001');
    await desk.engine.runOnce();
    const stored = getRegistration(desk.db, id)!;
    expect(stored.state).toBe('registered');
    expect(stored.expiresAt).toMatch(/Z$/);
    const portalSide = [...portal.registrations.values()][0]!;
    expect(Date.parse(stored.expiresAt!)).toBe(portalSide.expiresAt);
    expectReadsWork(desk);
    expect(desk.queue.summary().watched.map((w) => w.expiresAt)).toEqual([new Date(portalSide.expiresAt!).toISOString()]);
  });

  it.each([
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['empty', ''],
    ['10 kB long', 'x'.repeat(10_000)],
    ['with spaces', 'bad code with spaces'],
  ])('an error code (%s) is a plain refusal, and every read keeps working', async (_label, code) => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'error', status: 409, code });
    desk = deskAgainst(portal.url);
    const id = desk.add('PMJAY-0002');
    await desk.engine.runOnce();
    expect(desk.queue.list(undefined)[0]).toMatchObject({ id, state: 'needs-action', lastError: { key: 'sync.reason.rejected', params: { status: 409 } } });
    expectReadsWork(desk);
  });

  it('a stored row that is odd (an old offset time, a broken message) never breaks a read', async () => {
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url);
    const id = desk.add('PMJAY-0003');
    await desk.engine.runOnce();
    desk.db.prepare(`UPDATE registrations SET expires_at = '2026-11-25T16:00:00+05:30', last_error = '{"key":{}}' WHERE id = ?`).run(id);
    desk.db.prepare(`UPDATE attempts SET message = '{"key":{},"params":[]}'`).run();
    expectReadsWork(desk);
    expect(desk.queue.summary().watched[0]?.expiresAt).toBe('2026-11-25T10:30:00.000Z');
  });

  it('a registration the portal never expires (a card request) gets no invented deadline', async () => {
    portal = await startHostilePortal({ lifetimeMs: null });
    desk = deskAgainst(portal.url);
    const card = desk.add('PMJAY-0004', { kind: 'card' });
    const inpatient = desk.add('PMJAY-0005');
    await desk.engine.runOnce();
    expect(getRegistration(desk.db, card)?.expiresAt).toBeNull();
    expect(getRegistration(desk.db, inpatient)?.expiresAt).not.toBeNull(); // the field report's lifetime still applies
    expect(desk.queue.summary().watched.map((w) => w.id)).toEqual([inpatient]);
  });
});

describe('answers that stall or never come', () => {
  it.each([
    ['headers, part of the body, then nothing', { kind: 'stall-mid-body' } as const],
    ['a byte at a time, slower than the timeout', { kind: 'drip', intervalMs: 40, from: 'head' } as const],
    ['accepted and never answered', { kind: 'stall-headers' } as const],
  ])('%s: the call settles as a timeout, and the entry is retried', async (_name, behaviour) => {
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { timeoutMs: 300 });
    portal.behave('create', behaviour);
    const id = desk.add('PMJAY-0006');
    await desk.engine.runOnce();
    expect(desk.queue.list(undefined)[0]).toMatchObject({ id, state: 'queued', lastError: { key: 'sync.reason.timeout' } });
    const failure = await desk.client.health().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeNull(); // health was never stalled: the client is not wedged
  });

  it('runUntilEmpty keeps its deadline while the portal stalls mid-body', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'stall-mid-body' });
    desk = deskAgainst(portal.url, { timeoutMs: 300, sync: { breakerThreshold: 100 } });
    desk.add('PMJAY-0007');
    const result = await desk.engine.runUntilEmpty(Date.now() + 1_000);
    expect(result).toEqual({ left: 1, stoppedBy: 'deadline' });
  });
});

describe('429: the whole desk waits, within bounds', () => {
  it.each([
    ['1', 1_000],
    ['31536000', 60_000],
    ['10000000000000', 60_000],
  ])('Retry-After %s holds every entry for %i ms at most, sending nothing meanwhile', async (retryAfter, expected) => {
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { maxDelayMs: 60_000, concurrency: 1 }, now: () => new Date(clock) });
    const ids = [desk.add('PMJAY-0010'), desk.add('PMJAY-0011'), desk.add('PMJAY-0012')];
    portal.behave('create', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': retryAfter } }, { times: 1 });
    clock = Date.now();
    await desk.engine.runOnce();
    expect(desk.engine.hold()).toEqual({ reason: 'rate-limited', since: null, until: new Date(clock + expected).toISOString() });
    expect(desk.queue.summary().hold?.reason).toBe('rate-limited');
    const sent = posts(portal);
    clock += expected - 1;
    for (let i = 0; i < 3; i++) await desk.engine.runOnce();
    expect(posts(portal)).toBe(sent);
    clock += 1;
    for (let i = 0; i < 3; i++) await desk.engine.runOnce();
    expect(ids.map((id) => getRegistration(desk!.db, id)?.state)).toEqual(['registered', 'registered', 'registered']);
  });

  it.each([
    ['1e13', '1e13'],
    ['NaN', 'NaN'],
    ['-5', '-5'],
    ['a word', 'soon'],
    ['5 kB long', 'x'.repeat(5_000)],
  ])('an unreadable Retry-After (%s) falls back to the backoff, never a crash or a flat-out loop', async (_label, retryAfter) => {
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { baseDelayMs: 1_000, maxDelayMs: 8_000 }, now: () => new Date(clock) });
    desk.add('PMJAY-0013');
    portal.behave('create', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': retryAfter } });
    clock = Date.now();
    await desk.engine.runOnce();
    const hold = desk.engine.hold();
    expect(hold?.reason).toBe('rate-limited');
    expect(Date.parse(hold!.until!) - clock).toBeLessThanOrEqual(1_000);
    for (let i = 0; i < 5; i++) await desk.engine.runOnce();
    expect(posts(portal)).toBe(1);
  });

  it('an HTTP-date Retry-After is obeyed too', async () => {
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { maxDelayMs: 60_000 }, now: () => new Date(clock) });
    desk.add('PMJAY-0014');
    const at = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000);
    portal.behave('create', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': at.toUTCString() } });
    clock = Date.now();
    await desk.engine.runOnce();
    const until = Date.parse(desk.engine.hold()!.until!);
    // The wait is counted from the real clock the header was read against, so allow the test's own run time.
    expect(Math.abs(until - at.getTime())).toBeLessThan(5_000);
  });
});

describe('desk-wide faults: one state for the desk, never per-registration work', () => {
  it.each([
    ['credentials refused', 'wrong-credentials', 'credentials', 'health.message.portalCredentials'],
    ['a redirect', 'redirect', 'redirect', 'health.message.portalRedirected'],
  ] as const)('%s: every entry waits, the desk says why, and sending resumes by itself once fixed', async (_name, kind, reason, messageKey) => {
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { probeMs: 1_000 }, now: () => new Date(clock) });
    const ids = [desk.add('PMJAY-0020'), desk.add('PMJAY-0021'), desk.add('PMJAY-0022')];
    portal.behave(kind === 'redirect' ? 'create' : '*', kind === 'redirect' ? { kind: 'redirect', status: 307 } : { kind: 'wrong-credentials' });
    clock = Date.now();
    await desk.engine.runOnce();
    expect(desk.engine.hold()).toMatchObject({ reason });
    expect(desk.queue.summary().hold).toMatchObject({ reason });
    expect(desk.links.get('portal')).toMatchObject({ status: 'down', messageKey });
    expect(desk.queue.list(undefined).map((e) => e.state)).toEqual(['queued', 'queued', 'queued']);
    const before = portal.requests.length;
    await desk.engine.runOnce();
    expect(portal.requests.length).toBe(before); // nothing more until the fault's probe is due
    portal.behave('*', { kind: 'ok' });
    clock += 1_000;
    await desk.engine.runOnce();
    expect(desk.engine.hold()).toBeNull();
    await desk.engine.runOnce();
    expect(ids.map((id) => getRegistration(desk!.db, id)?.state)).toEqual(['registered', 'registered', 'registered']);
    expect(desk.links.get('portal')).toMatchObject({ status: 'ok' });
  });

  it('an expired certificate is a desk-wide fault, not a network failure', async () => {
    portal = await startHostilePortal({ tls: 'expired' });
    desk = deskAgainst(portal.url);
    desk.add('PMJAY-0023');
    await desk.engine.runOnce();
    expect(desk.engine.hold()).toMatchObject({ reason: 'certificate' });
    expect(desk.links.get('portal')).toMatchObject({ status: 'down', messageKey: 'health.message.portalCertificate' });
    expect(desk.queue.list(undefined)[0]).toMatchObject({ state: 'queued', lastError: { key: 'sync.reason.certificate' } });
    expect(desk.engine.breaker.consecutiveFailures).toBe(0);
  });

  it('calls that start together share one token request', async () => {
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { concurrency: 4 } });
    for (let i = 0; i < 4; i++) desk.add(`PMJAY-003${i}`);
    await Promise.all([desk.engine.probe(), desk.engine.runOnce(), desk.client.health()]);
    expect(portal.tokensIssued).toBe(1);
  });
});

describe('the database busy or full', () => {
  it('another program holding the write lock: the lease renewal reports it, the process lives, and the lease comes back', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'stall-headers' });
    // A delivery in flight keeps the lease renewing; renewals every 50 ms against a 20 ms busy wait.
    desk = deskAgainst(portal.url, { busyTimeoutMs: 20, timeoutMs: 60_000, sync: { leaseTtlMs: 150 } });
    desk.add('PMJAY-0040');
    const run = desk.engine.runOnce();
    await portal.waitForRequests('create', 1);
    const other = new Database(desk.db.name, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    const locked = await desk.nextStoreReport((r) => r?.problem === 'locked');
    expect(locked).toMatchObject({ problem: 'locked', messageKey: 'store.locked' });
    other.exec('ROLLBACK');
    other.close();
    expect(await desk.nextStoreReport((r) => r === null)).toBeNull();
    portal.closeAllSockets();
    await run;
  });

  it('a full disk while recording a delivery: nothing committed is lost, and the resend with the same key is registered once', async () => {
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url);
    const id = desk.add('PMJAY-0041');
    // SQLite's own way to a full disk: the file may not grow past its current size, and the
    // audit log (which recording a delivery appends to) has no room left in its pages.
    desk.db.pragma(`max_page_count = ${desk.db.pragma('page_count', { simple: true }) as number}`);
    for (const size of [2_000, 200, 20, 1]) {
      try {
        for (;;) desk.db.prepare('INSERT INTO audit_log (at, actor, action, subject) VALUES (?, ?, ?, ?)').run('t', 'test', 'x'.repeat(size), id);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('SQLITE_FULL');
      }
    }
    await desk.engine.runOnce();
    expect(desk.storeReports.at(-1)).toMatchObject({ problem: 'full' });
    expect(getRegistration(desk.db, id)?.state).toBe('sending'); // the portal's answer could not be written: resent with its key
    desk.db.pragma('max_page_count = 1073741823');
    await desk.engine.runOnce();
    expect(getRegistration(desk.db, id)?.state).toBe('registered');
    expect(portal.registrations.size).toBe(1);
    expect(portal.requests.filter((r) => r.route === 'create').map((r) => r.headers['idempotency-key'])).toEqual([expect.any(String), expect.any(String)].map(() => desk!.queue.outbox(id)!.id));
    expect(desk.storeReports.at(-1)).toBeNull();
  });
});

describe('the portal client itself', () => {
  it('a stalled body settles as a typed timeout', async () => {
    portal = await startHostilePortal();
    portal.behave('health', { kind: 'stall-mid-body' });
    desk = deskAgainst(portal.url, { timeoutMs: 200 });
    const error = await desk.client.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalError);
    expect(error).toMatchObject({ kind: 'timeout' });
  });
});

describe('found by the hostile review', () => {
  it.each([
    ['0', '0'],
    ['an HTTP date already past', 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ])('a 429 whose wait is nothing (%s) still holds the desk for a second: no flat-out loop', async (_label, retryAfter) => {
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { maxDelayMs: 60_000 }, now: () => new Date(clock) });
    desk.add('PMJAY-0100');
    portal.behave('create', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': retryAfter } });
    clock = Date.now();
    await desk.engine.runOnce();
    expect(Date.parse(desk.engine.hold()!.until!) - clock).toBe(1_000);
    for (let i = 0; i < 20; i++) await desk.engine.runOnce();
    expect(posts(portal)).toBe(1);
  });

  it.each([
    ['the token route is not there (a wrong portal path)', 'token', 404, 'not_found', 'address', 'health.message.portalAddress'],
    ['the token request refused as a bad request', 'token', 400, 'invalid_client', 'credentials', 'health.message.portalCredentials'],
  ] as const)('%s: a desk-wide fault, never a refusal of each registration', async (_label, route, status, code, reason, messageKey) => {
    portal = await startHostilePortal();
    portal.behave(route, { kind: 'error', status, code });
    desk = deskAgainst(portal.url);
    desk.add('PMJAY-0101');
    desk.add('PMJAY-0102');
    await desk.engine.runOnce();
    expect(desk.engine.hold()).toMatchObject({ reason });
    expect(desk.links.get('portal')).toMatchObject({ status: 'down', messageKey });
    expect(desk.queue.list(undefined).map((e) => e.state)).toEqual(['queued', 'queued']);
  });

  it('a refresh refused with 400 after a 401: the login is the desk\'s fault, not the entry\'s', async () => {
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url);
    desk.add('PMJAY-0103');
    await desk.client.health();
    await desk.client.checkCredentials();
    portal.behave('create', { kind: 'error', status: 401, code: 'token_expired' });
    portal.behave('refresh', { kind: 'error', status: 400, code: 'invalid_grant' });
    portal.behave('token', { kind: 'error', status: 400, code: 'invalid_grant' });
    await desk.engine.runOnce();
    expect(desk.engine.hold()).toMatchObject({ reason: 'credentials' });
    expect(desk.queue.list(undefined)[0]?.state).toBe('queued');
  });

  it('a fault that only some calls meet (create redirects, health and login work) is probed ever more slowly', async () => {
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { probeMs: 1_000, maxProbeMs: 16_000 }, now: () => new Date(clock) });
    desk.add('PMJAY-0104');
    portal.behave('create', { kind: 'redirect', status: 307 });
    clock = Date.now();
    const delays: number[] = [];
    for (let cycle = 0; cycle < 5; cycle++) {
      await desk.engine.runOnce(); // the create meets the redirect: the fault (re)starts
      const hold = desk.engine.hold();
      expect(hold?.reason).toBe('redirect');
      const before = portal.requests.length;
      // Step the clock a second at a time until the probe runs (health + token), then once more for the create.
      let waited = 0;
      while (portal.requests.length === before && waited < 60_000) {
        clock += 1_000;
        waited += 1_000;
        await desk.engine.runOnce();
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('times written with a lower-case t and z (RFC 3339 allows it) are read', async () => {
    portal = await startHostilePortal();
    const created = { registrationId: 'R-LOWER-1', registrationNumber: 'IPBR00000001', status: 'active', createdAt: '2026-11-25t10:00:00z', expiresAt: '2026-11-25t14:00:00.5z' };
    portal.behave('create', { kind: 'garbage', status: 201, contentType: 'application/json', body: JSON.stringify(created) });
    desk = deskAgainst(portal.url);
    const id = desk.add('PMJAY-0105');
    await desk.engine.runOnce();
    expect(getRegistration(desk.db, id)).toMatchObject({ state: 'registered', expiresAt: '2026-11-25T14:00:00.500Z' });
  });

  it('an answer with a 60 kB header is a bad answer from the portal, not a network failure', async () => {
    portal = await startHostilePortal();
    portal.behave('create', { kind: 'huge-headers', shape: 'one-big', bytes: 60_000 });
    desk = deskAgainst(portal.url);
    desk.add('PMJAY-0106');
    await desk.engine.runOnce();
    expect(desk.queue.list(undefined)[0]).toMatchObject({ state: 'queued', lastError: { key: 'sync.reason.badResponse' } });
    expect(desk.links.get('network')).toMatchObject({ status: 'ok' });
  });

  it('an access token that cannot go into a header is a bad answer, not a network failure', async () => {
    portal = await startHostilePortal();
    portal.behave('token', { kind: 'garbage', status: 200, contentType: 'application/json', body: JSON.stringify({ accessToken: 'abc\ndef', expiresIn: 60, refreshToken: 'r' }) });
    desk = deskAgainst(portal.url);
    desk.add('PMJAY-0107');
    await desk.engine.runOnce();
    expect(desk.queue.list(undefined)[0]).toMatchObject({ state: 'queued', lastError: { key: 'sync.reason.badResponse' } });
    expect(desk.links.get('network')?.status).not.toBe('down');
  });
});

describe('the registration watchdog against the same portal', () => {
  it('a 429 to a status poll holds the whole desk; a registration the portal no longer knows is raised as cancelled', async () => {
    const { RegistrationWatchdog } = await import('../../src/main/sync/watchdog');
    const { silentLogger } = await import('../../src/main/logging/logger');
    let clock = Date.now();
    portal = await startHostilePortal();
    desk = deskAgainst(portal.url, { sync: { maxDelayMs: 60_000 }, now: () => new Date(clock) });
    const engine = desk.engine;
    const ids = [desk.add('PMJAY-0200'), desk.add('PMJAY-0201'), desk.add('PMJAY-0202')];
    clock = Date.now();
    await engine.runOnce();
    await engine.runOnce();
    const watchdog = new RegistrationWatchdog(
      { db: desk.db, client: desk.client, log: silentLogger, portalDown: () => engine.hold() !== null, holdsLease: () => engine.holdLease(), onRateLimited: (ms) => engine.holdForRateLimit(ms) },
      60_000,
    );
    const statusPolls = () => portal!.requests.filter((r) => r.route === 'status').length;
    portal.behave('status', { kind: 'error', status: 429, code: 'rate_limited', headers: { 'Retry-After': '30' } });
    await watchdog.pollOnce();
    expect(statusPolls()).toBe(1); // the round stops at the first 429
    expect(engine.hold()).toMatchObject({ reason: 'rate-limited' });
    await watchdog.pollOnce();
    expect(statusPolls()).toBe(1); // nothing while the desk is held
    clock += 30_000;
    portal.behave('status', { kind: 'error', status: 404, code: 'not_found' });
    expect(await watchdog.pollOnce()).toBe(3);
    expect(ids.map((id) => getRegistration(desk!.db, id)?.state)).toEqual(['cancelled-by-portal', 'cancelled-by-portal', 'cancelled-by-portal']);
  });
});

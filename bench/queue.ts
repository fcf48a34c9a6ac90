/**
 * The local queue: how fast a registration is made durable (one transaction each, WAL with
 * synchronous=FULL), against a paper import in one transaction; and how fast a backlog drains to
 * the portal simulator with the default concurrency against one at a time. Goal: recording never
 * makes the operator wait (well under 50 ms), and a day's backlog drains in minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistrationInput } from '../src/shared/contract/queue';
import { silentLogger } from '../src/main/logging/logger';
import { PortalClient } from '../src/main/portal/client';
import { generateFamilies, registrableMembers } from '../src/main/portal/simulator/data';
import { startPortalSimulator } from '../src/main/portal/simulator/server';
import { standaloneQueue } from '../src/main/queue/service';
import { openDatabase } from '../src/main/storage/database';
import { loadOrCreateKey } from '../src/main/storage/secrets';
import { SyncEngine } from '../src/main/sync/engine';
import { mb, measure, printTable } from './lib';

// The simulator's own synthetic beneficiaries (seed 99), so every registration is one it accepts.
const members = registrableMembers(generateFamilies(99));
const input = (i: number) =>
  RegistrationInput.parse({
    kind: i % 4 === 0 ? 'card' : 'inpatient',
    patient: { beneficiaryId: members[i % members.length]!.beneficiaryId, name: members[i % members.length]!.name, state: members[i % members.length]!.state, aadhaar: members[i % members.length]!.aadhaar },
    admittedAt: new Date().toISOString(),
    verification: { method: 'none-confirmed', confirmedBy: 'bench' },
  });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'mitra-bench-'));
  const db = openDatabase({ file: join(dir, 'mitra-desk.db'), log: silentLogger });
  const queue = standaloneQueue({ db, dataDir: dir, hospital: { code: 'BENCH', state: 'BR' }, log: silentLogger });
  return { dir, db, queue, done: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const RECORDS = 1_000;
const heapBefore = process.memoryUsage().heapUsed;
const one = setup();
const single = await measure('record, one transaction each', RECORDS, (i) => one.queue.add(input(i)), 0);
one.done();
const batch = setup();
const inputs = Array.from({ length: RECORDS }, (_, i) => input(i));
const imported = await measure(`import ${RECORDS} in one transaction`, 1, () => batch.queue.record(inputs, 'import'), 0);
batch.done();
printTable('recording registrations (each durable when the call returns)', [single], single);
console.log(`  ${imported.name.padEnd(34)} ${imported.totalMs.toFixed(0)} ms in all, ${(imported.totalMs / RECORDS).toFixed(3)} ms per record  x${(imported.totalMs / RECORDS / single.perOpMs).toFixed(2)} of one-by-one`);

const DRAIN = 300;
async function drain(concurrency: number) {
  const sim = await startPortalSimulator({ port: 0, seed: 99, faults: 'slow=10' });
  const s = setup();
  s.queue.record(Array.from({ length: DRAIN }, (_, i) => input(i)), 'import');
  const client = new PortalClient({ baseUrl: sim.url, credentials: { clientId: 'bench', clientSecret: 'bench' }, timeoutMs: 5_000, log: silentLogger });
  const engine = new SyncEngine({ db: s.db, client, pidKey: loadOrCreateKey(s.dir, 'pid-vault'), settings: { concurrency, baseDelayMs: 100, maxDelayMs: 1_000, breakerThreshold: 50, probeMs: 200, maxProbeMs: 1_000, lifetimeMs: 3_600_000 }, hospitalState: 'BR', log: silentLogger });
  const result = await measure(`drain ${DRAIN}, concurrency ${concurrency} (portal +10 ms)`, 1, () => engine.runUntilEmpty(Date.now() + 120_000), 0);
  const accepted = sim.state().accepted.length;
  await engine.stop();
  await sim.close();
  s.done();
  return { ...result, perOpMs: result.totalMs / DRAIN, count: DRAIN, accepted };
}
const serial = await drain(1);
const parallel = await drain(2);
const wide = await drain(4);
console.log('\ndraining a backlog to the portal simulator');
for (const r of [serial, parallel, wide]) {
  console.log(`  ${r.name.padEnd(44)} ${(r.totalMs / 1000).toFixed(2)} s  ${((DRAIN / r.totalMs) * 1000).toFixed(0)} registrations/s  x${(r.totalMs / serial.totalMs).toFixed(2)} of concurrency 1  (${r.accepted}/${DRAIN} delivered)`);
}
// Recovery after an outage: every entry's own backoff says 0-30 s from now, but when the portal's
// health answers again the whole backlog is due at once (this was a timed assertion in a test).
{
  const sim = await startPortalSimulator({ port: 0, seed: 99, faults: '5xx-burst=100000' });
  const s = setup();
  s.queue.record(Array.from({ length: 100 }, (_, i) => input(i)), 'import');
  const client = new PortalClient({ baseUrl: sim.url, credentials: { clientId: 'bench', clientSecret: 'bench' }, timeoutMs: 5_000, log: silentLogger });
  const engine = new SyncEngine({ db: s.db, client, pidKey: loadOrCreateKey(s.dir, 'pid-vault'), settings: { concurrency: 2, baseDelayMs: 30_000, maxDelayMs: 60_000, breakerThreshold: 3, probeMs: 200, maxProbeMs: 200, lifetimeMs: 3_600_000 }, hospitalState: 'BR', log: silentLogger });
  while (engine.breaker.state === 'closed') await engine.runOnce();
  sim.setFaults('none');
  const recovered = await measure('drain 100 after the portal returns', 1, () => engine.runUntilEmpty(Date.now() + 120_000), 0);
  await engine.stop();
  await sim.close();
  s.done();
  console.log(`\nrecovery after an outage (entries' own backoff 0-30 s)\n  ${recovered.name.padEnd(44)} ${(recovered.totalMs / 1000).toFixed(2)} s  x${(recovered.totalMs / 30_000).toFixed(2)} of the backoff it did not wait for`);
}

// The queue screen on a desk with a long history: 100,000 registrations, the newest 200 listed
// with their history, and the summary every screen shows; then the same without migration 2's
// indexes, the way issue 7 found it (6.5 s a listing, blocking the main process).
const HISTORY = 100_000;
const big = setup();
for (let start = 0; start < HISTORY; start += 10_000) big.queue.record(Array.from({ length: 10_000 }, (_, i) => input(start + i)), 'import');
const list = await measure(`list 200 of ${HISTORY / 1000}k, with history`, 5, () => big.queue.list(undefined, 200), 1);
const summary = await measure(`summary of ${HISTORY / 1000}k`, 5, () => big.queue.summary(), 1);
big.db.exec('DROP INDEX audit_log_subject; DROP INDEX registrations_resubmitted_from;');
const listNoIndex = await measure(`list 200 of ${HISTORY / 1000}k, no indexes`, 1, () => big.queue.list(undefined, 200), 0);
big.done();
console.log(`\nthe queue screen on a desk with ${HISTORY} registrations`);
for (const r of [list, summary, listNoIndex]) console.log(`  ${r.name.padEnd(44)} ${r.perOpMs.toFixed(1)} ms  x${(r.perOpMs / list.perOpMs).toFixed(1)} of the indexed listing`);

const memory = process.memoryUsage();
console.log(`  memory after recording ${RECORDS * 2} and draining ${DRAIN * 3}: heap in use ${mb(memory.heapUsed)} (started at ${mb(heapBefore)}), rss ${mb(memory.rss)}`);

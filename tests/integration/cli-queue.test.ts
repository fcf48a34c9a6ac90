import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrableMembers } from '../../src/main/portal/simulator/data';
import { runCli, startCli } from '../support/cli';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();
let sim: Awaited<ReturnType<typeof startCli>>;
let simUrl: string;
beforeAll(async () => {
  sim = await startCli(['portal-sim', '--port', '0', '--seed', '9', '--lifetime', '2h'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  simUrl = sim.match[1]!;
});
afterAll(() => sim.stop());

const header = 'kind,beneficiary_id,name,gender,year_of_birth,mobile,state,district,aadhaar,admitted_at,verification_method,confirmed_by,transaction_id,notes';

describe('mitra-desk queue and sync', () => {
  it('imports paper records all or nothing, reporting bad rows by line; then sync delivers them', async () => {
    const dataDir = tempDir();
    const members = (await (await fetch(`${simUrl}/__sim/beneficiaries?state=MP&limit=3`)).json()) as { beneficiaryId: string; name: string; district: string }[];
    const admitted = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const row = (m: { beneficiaryId: string; name: string; district: string }, extra: Partial<Record<string, string>> = {}) =>
      [extra.kind ?? 'inpatient', m.beneficiaryId, `"${m.name}"`, 'F', '1970', extra.mobile ?? '9876543210', 'MP', m.district, extra.aadhaar ?? '', admitted, 'none-confirmed', '"Dr. Meena, night duty"', '', '"recorded on paper, outage 02:10"'].join(',');
    const bad = join(dataDir, 'paper.csv');
    writeFileSync(bad, [header, row(members[0]!), row(members[1]!, { mobile: '12345' }), row(members[2]!, { aadhaar: '2345 6789 0123', kind: 'card' })].join('\n'));
    const refused = await runCli(['queue', 'import', bad, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3: mobile: a 10-digit Indian mobile number');
    expect(refused.stderr).toMatch(/line 4: aadhaar: .*typing mistake/);
    expect(refused.stderr).toContain('Nothing imported: 2 problem(s)');
    const empty = JSON.parse((await runCli(['queue', 'status', '--json', '--data-dir', dataDir])).stdout);
    expect(empty.counts.queued).toBe(0);

    const good = join(dataDir, 'paper-fixed.csv');
    writeFileSync(good, [header, row(members[0]!), row(members[1]!), row(members[2]!, { kind: 'card' })].join('\r\n'));
    const imported = await runCli(['queue', 'import', good, '--data-dir', dataDir]);
    expect(imported.stdout).toContain('Imported 3 registration(s)');
    const status = JSON.parse((await runCli(['queue', 'status', '--json', '--data-dir', dataDir])).stdout);
    expect(status).toMatchObject({ counts: { queued: 3, registered: 0 }, portal: 'unknown' });

    const synced = await runCli(['sync', '--once', '--portal', simUrl, '--data-dir', dataDir]);
    // One pass sends two (the concurrency); the third waits: exit 1, saying so.
    expect(synced.code).toBe(1);
    expect(synced.stdout).toContain('registered 2 · waiting 1 · needs action 0');
    expect(synced.stderr).toMatch(/^1 registration\(s\) not delivered: they wait for the next pass/m);
    const rest = await runCli(['sync', '--until-empty', '--portal', simUrl, '--data-dir', dataDir, '--deadline-ms', '10000']);
    expect(rest.stdout).toContain('registered 3 · waiting 0 · needs action 0');
    const list = JSON.parse((await runCli(['queue', 'list', '--state', 'registered', '--json', '--data-dir', dataDir])).stdout) as { kind: string; portalRef: string; history: { event: string }[] }[];
    expect(list).toHaveLength(3);
    expect(list.map((e) => e.kind).sort()).toEqual(['card', 'inpatient', 'inpatient']);
    expect(list.every((e) => /^(IP|CR)MP\d{8}$/.test(e.portalRef))).toBe(true);
    expect(list[0]!.history.map((h) => h.event)).toEqual(expect.arrayContaining(['imported', 'attempt-registered', 'registered']));
    const accepted = ((await (await fetch(`${simUrl}/__sim/state`)).json()) as { accepted: { beneficiaryId: string }[] }).accepted;
    expect(accepted.filter((a) => members.some((m) => m.beneficiaryId === a.beneficiaryId))).toHaveLength(3);
  });

  it('imports JSON in the contract\'s shape, and refuses unknown CSV columns and garbage', async () => {
    const dataDir = tempDir();
    const json = join(dataDir, 'records.json');
    writeFileSync(json, JSON.stringify([{ kind: 'outpatient', patient: { beneficiaryId: 'PMJUPABCDEFG', name: 'Ram Lal', state: 'UP' }, admittedAt: new Date().toISOString(), verification: { method: 'none-confirmed' } }]));
    const missing = await runCli(['queue', 'import', json, '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('line 1: verification.confirmedBy: continuing without biometrics needs the name of whoever confirmed it');
    const odd = join(dataDir, 'odd.csv');
    writeFileSync(odd, 'kind,name,blood_group\ninpatient,x,O+\n');
    const unknown = await runCli(['queue', 'import', odd, '--data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown column(s) blood_group');
    const garbage = join(dataDir, 'garbage.json');
    writeFileSync(garbage, '{"not": "an array"');
    expect((await runCli(['queue', 'import', garbage, '--data-dir', dataDir])).stderr).toContain('not valid JSON');
    expect((await runCli(['queue', 'import', '--data-dir', dataDir])).code).toBe(2);
  });

  it('sync refuses to guess where a training desk\'s portal is', async () => {
    const result = await runCli(['sync', '--once', '--data-dir', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('training mode');
  });

  it('portal-sim rejects a bad fault spec with the list of known faults', async () => {
    const result = await runCli(['portal-sim', '--port', '0', '--faults', 'meteor']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown fault "meteor"');
  });
});

describe('synthetic beneficiaries', () => {
  it('are deterministic for a seed and carry Verhoeff-valid synthetic Aadhaar numbers', async () => {
    const { generateFamilies } = await import('../../src/main/portal/simulator/data');
    const { verhoeffValid } = await import('../../src/shared/aadhaar/verhoeff');
    const a = registrableMembers(generateFamilies(42));
    const b = registrableMembers(generateFamilies(42));
    expect(a.map((m) => m.beneficiaryId)).toEqual(b.map((m) => m.beneficiaryId));
    expect(a.every((m) => verhoeffValid(m.aadhaar))).toBe(true);
    expect(registrableMembers(generateFamilies(43))[0]!.beneficiaryId).not.toBe(a[0]!.beneficiaryId);
  });
});

import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/logging/logger';
import { PortalClient } from '../../src/main/portal/client';
import { PortalError } from '../../src/main/portal/errors';
import { PUBLIC_ROUTES, SECURED_ROUTES } from '../../src/main/portal/simulator/api-routes';
import { startPortalSimulator, type PortalSimulator } from '../../src/main/portal/simulator/server';
import { repoRoot } from '../support/paths';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
}

const spec = parse(readFileSync(join(repoRoot, 'docs', 'portal-api.yaml'), 'utf8')) as OpenApi;
let sim: PortalSimulator;
beforeAll(async () => {
  sim = await startPortalSimulator({ port: 0, seed: 2 });
});
afterAll(() => sim.close());

describe('the portal contract (docs/portal-api.yaml)', () => {
  it('is OpenAPI 3.1 and lists the operations the desk needs', () => {
    expect(spec.openapi).toBe('3.1.0');
    const operations = Object.values(spec.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(operations.sort()).toEqual(['authInit', 'authVerify', 'cancelRegistration', 'createRegistration', 'getRegistration', 'health', 'refresh', 'searchBeneficiaries', 'token'].sort());
  });

  it('the simulator implements every operation (no "no route" answers), and guards the secured ones with the bearer token', async () => {
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const url = `${sim.url}${path.replace('{registrationId}', 'unknown-id')}`;
        const res = await fetch(url, { method: method.toUpperCase(), headers: { 'Content-Type': 'application/json' }, body: method === 'post' ? '{}' : undefined });
        const body = (await res.json()) as { error?: { code: string; message: string } };
        expect({ operation: operation.operationId, noRoute: body.error?.message?.startsWith('no route') ?? false }).toEqual({ operation: operation.operationId, noRoute: false });
        if (operation.security === undefined) expect({ operation: operation.operationId, status: res.status }).toEqual({ operation: operation.operationId, status: 401 });
      }
    }
  });

  it('the typed client walks the desk\'s path: search, OTP verification, registration, status, cancel', async () => {
    const client = new PortalClient({ baseUrl: sim.url, credentials: { clientId: 'desk', clientSecret: 'x' }, timeoutMs: 2_000, log: silentLogger });
    const health = await client.health();
    expect(health.states.map((s) => s.code)).toEqual(['BR', 'UP', 'CG', 'MP', 'JH']);
    const family = sim.families.find((f) => f.state === 'CG')!;
    const member = family.members.find((m) => m.status === 'approved' && !m.admittedElsewhere)!;
    const byRation = await client.search({ state: 'CG', rationCard: family.rationCard });
    expect(byRation).toHaveLength(1);
    expect(byRation[0]!.members.map((m) => m.beneficiaryId)).toContain(member.beneficiaryId);
    expect(JSON.stringify(byRation)).not.toContain(member.aadhaar); // only the last 4 digits travel
    const byAadhaar = await client.search({ state: 'CG', aadhaarLast4: member.aadhaar.slice(-4), name: member.name.split(' ')[0]! });
    expect(byAadhaar.some((f) => f.familyId === family.familyId)).toBe(true);
    await expect(client.search({ state: 'CG', name: 'Ram' })).rejects.toMatchObject({ kind: 'http', status: 400, portalCode: 'validation_failed' });

    const { transactionId, otpSentTo } = await client.authInit({ beneficiaryId: member.beneficiaryId, authMode: 'OTP' }, 'Registration');
    expect(otpSentTo).toBe(`XXXXXX${member.mobile.slice(-4)}`);
    expect(await client.authVerify({ transactionId, otp: '000000' })).toEqual({ verified: false, reason: 'wrong-otp' });
    expect(await client.authVerify({ transactionId, otp: '123456' })).toEqual({ verified: true });

    const request = { beneficiaryId: member.beneficiaryId, hospitalCode: 'H', state: 'CG', kind: 'IP' as const, admittedAt: new Date().toISOString(), verification: { method: 'OTP' as const, transactionId }, clientReference: 'ref-1' };
    const key = '2f1e6d1c-0000-4000-8000-000000000001';
    const created = await client.createRegistration(request, key);
    expect(created).toMatchObject({ status: 'active', registrationNumber: expect.stringMatching(/^IPCG\d{8}$/) });
    expect(await client.createRegistration(request, key)).toEqual(created);
    await expect(client.createRegistration({ ...request, notes: 'changed' }, key)).rejects.toMatchObject({ status: 422, portalCode: 'idempotency_mismatch' });
    expect((await client.getRegistration(created.registrationId)).status).toBe('active');
    expect((await client.cancelRegistration(created.registrationId, 'registered in error')).status).toBe('cancelled');
    await expect(client.getRegistration('nope')).rejects.toBeInstanceOf(PortalError);
  });

  it('the route table lists exactly the document\'s operations, the unsecured ones answered before the token check', () => {
    const routes = (list: typeof PUBLIC_ROUTES) => list.map((r) => `${r.method} ${r.path}`).sort();
    const operations = (secured: boolean) =>
      Object.entries(spec.paths)
        .flatMap(([path, methods]) => Object.entries(methods).filter(([, op]) => (op.security === undefined) === secured).map(([method]) => `${method.toUpperCase()} ${path.replace('{registrationId}', ':id')}`))
        .sort();
    expect(routes(PUBLIC_ROUTES)).toEqual(operations(false));
    expect(routes(SECURED_ROUTES)).toEqual(operations(true));
  });

  it('answers bad requests with the error envelope and keeps serving: an unreadable target, an oversized body, a cancel it refuses', async () => {
    // `GET //` cannot be read as a URL: once an uncaught exception in whatever process hosted the simulator.
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(sim.port, '127.0.0.1', () => socket.end('GET // HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
    expect(answer).toContain('"code":"validation_failed"');

    const big = await fetch(`${sim.url}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: ' '.repeat(300 * 1024) });
    expect(big.status).toBe(400);
    expect(await big.json()).toEqual({ error: { code: 'validation_failed', message: 'body too large' } });

    const client = new PortalClient({ baseUrl: sim.url, credentials: { clientId: 'desk', clientSecret: 'x' }, timeoutMs: 2_000, log: silentLogger });
    const member = sim.families.find((f) => f.state === 'BR')!.members.find((m) => m.status === 'approved' && !m.admittedElsewhere)!;
    const created = await client.createRegistration(
      { beneficiaryId: member.beneficiaryId, hospitalCode: 'H', state: 'BR', kind: 'OP', admittedAt: new Date().toISOString(), verification: { method: 'CONFIRMED_WITHOUT_BIOMETRIC', confirmedBy: 'MEDCO' }, clientReference: 'ref-refused-cancel' },
      '2f1e6d1c-0000-4000-8000-000000000002',
    );
    const { accessToken } = (await (await fetch(`${sim.url}/auth/token`, { method: 'POST', body: '{"clientId":"desk","clientSecret":"x"}' })).json()) as { accessToken: string };
    const cancel = await fetch(`${sim.url}/registrations/${created.registrationId}/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${accessToken}` }, body: '{"reason":' });
    expect(cancel.status).toBe(400);
    expect((await client.getRegistration(created.registrationId)).status).toBe('active');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { RdClient } from '../../src/main/device/rd/client';
import { discover } from '../../src/main/device/rd/discovery';
import { RdTransportError } from '../../src/main/device/rd/transport';
import { XmlError } from '../../src/main/base/xml';
import { KNOWN_ERROR_CODES, meaningOf } from '../../src/main/device/rd/error-codes';
import { PROFILES, PROFILE_NAMES } from '../../src/main/device/emulator/profiles';
import { startRdEmulator, type RdEmulator } from '../../src/main/device/emulator/server';
import type { EmulatorScriptInput } from '../../src/main/device/emulator/script';
import { DeviceService } from '../../src/main/device/device-service';
import { DEFAULT_ROTATION } from '../../src/main/device/capture/policy';
import { loadCatalogue } from '../../src/main/device/catalogue';
import { PresenceWatcher } from '../../src/main/device/usb/watcher';
import { EventHub } from '../../src/main/contract/events';
import { HealthMonitor } from '../../src/main/health/monitor';
import { silentLogger } from '../../src/main/logging/logger';
import { closedPort, hungServer, scriptedServer, type RawServer } from '../support/raw-servers';
import { hugeQualityList, pidDataXml, rdServer, readyPairOneCannotCapture } from '../support/rd-answers';
import { appPaths } from '../support/paths';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function emulator(profile = 'mantra-mfs100', script?: EmulatorScriptInput, https?: boolean): Promise<RdEmulator> {
  const e = await startRdEmulator({ port: 0, profile, script, https });
  running.push(e);
  return e;
}

async function raw(server: Promise<RawServer>): Promise<RawServer> {
  const s = await server;
  running.push(s);
  return s;
}

const client = new RdClient({ infoTimeoutMs: 2_000, captureGraceMs: 1_000 });
const captureOptions = { fingerCount: 1, fingerType: 'BOTH' as const, position: 'RIGHT_THUMB' as const, timeoutMs: 2_000, env: 'P' as const };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('discovery over real HTTP and HTTPS', () => {
  it('finds several services on mixed ports, with hung and closed ports among them, in about one probe timeout', async () => {
    const mantra = await emulator('mantra-mfs100');
    const morpho = await emulator('morpho-l0', { status: 'NOTREADY' });
    const idemia = await emulator('idemia-l1', { status: 'USED' });
    const startek = await emulator('startek-fm220u');
    const hung = [await raw(hungServer()), await raw(hungServer())];
    const closed = [await closedPort(), await closedPort(), await closedPort()];
    const ports = [...closed, hung[0]!.port, morpho.port, idemia.port, hung[1]!.port, mantra.port, startek.port];
    const timeoutMs = 800;

    const started = performance.now();
    const found = await discover({ host: '127.0.0.1', ports, schemes: ['http', 'https'], timeoutMs });
    const took = performance.now() - started;

    expect(took).toBeLessThan(timeoutMs * 2);
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 50); // the hung ports were waited for, once
    const readyPorts = [mantra.port, startek.port].sort((a, b) => a - b);
    expect(found.map((s) => [s.port, s.status])).toEqual([
      [readyPorts[0], 'READY'],
      [readyPorts[1], 'READY'],
      [idemia.port, 'USED'],
      [morpho.port, 'NOTREADY'],
    ]);
    expect(found.find((s) => s.port === idemia.port)?.scheme).toBe('https');
    expect(found.find((s) => s.port === mantra.port)?.scheme).toBe('http');
  });

  it('costs one timeout, not one per port, when many ports hang', async () => {
    const hung = await Promise.all(Array.from({ length: 10 }, () => raw(hungServer())));
    const started = performance.now();
    const found = await discover({ host: '127.0.0.1', ports: hung.map((h) => h.port), schemes: ['http', 'https'], timeoutMs: 500 });
    expect(found).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses a service that points its interfaces off this computer', async () => {
    const evil = await raw(scriptedServer(() => ({ body: '<RDService status="READY" info="x"><Interface id="CAPTURE" path="http://203.0.113.9:11100/capture"/></RDService>' })));
    const [service] = await discover({ host: '127.0.0.1', ports: [evil.port], schemes: ['http'], timeoutMs: 1_000 });
    expect(service?.captureUrl).toBeNull();
    await expect(client.capture(service!, captureOptions)).rejects.toMatchObject({ code: 'rd_no_capture' });
  });
});

describe.each(PROFILE_NAMES)('vendor profile %s', (name) => {
  it('is discovered, describes its device and captures', async () => {
    const profile = PROFILES[name]!;
    const e = await emulator(name, { captures: [{ qScore: 55, nmPoints: 30 }] });
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http', 'https'], timeoutMs: 1_500 });
    expect(service).toMatchObject({ port: e.port, scheme: profile.defaultScheme, status: 'READY', info: profile.info });
    expect(new URL(service!.captureUrl!).pathname).toBe(profile.captureRoute);
    expect(new URL(service!.deviceInfoUrl!).pathname).toBe(profile.deviceInfoRoute);

    const device = await client.deviceInfo(service!);
    expect(device).toMatchObject({ provider: profile.device.dpId, serviceId: profile.device.rdsId, serviceVersion: profile.device.rdsVer, model: profile.device.model, serial: e.device.serial, emulated: true });
    expect(device.certificate?.state).toBe('valid');

    const fingerprint = await client.capture(service!, captureOptions);
    const iris = await client.capture(service!, { ...captureOptions, fingerCount: 0, irisCount: 1 });
    if (profile.modalities.finger) {
      expect(fingerprint).toMatchObject({ errCode: '0', qScore: 55, nmPoints: 30, device: { model: profile.device.model } });
      expect(fingerprint.pid?.reveal()).toContain('<Skey ci="EMULATED">');
    } else expect(fingerprint.errCode).toBe('750');
    if (profile.modalities.iris) expect(iris).toMatchObject({ errCode: '0', iCount: 1 });
    else expect(iris.errCode).toBe('760');
  });
});

describe('CAPTURE answers and failures', () => {
  it('reports every errCode of the table, and a negative vendor code, as its meaning', async () => {
    const codes = [...KNOWN_ERROR_CODES, '-1509'];
    const e = await emulator('mantra-mfs100', { captures: codes.map((errCode) => ({ errCode, errInfo: `emulated ${errCode}` })) });
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
    for (const code of codes) {
      const answer = await client.capture(service!, captureOptions);
      expect(answer).toMatchObject({ errCode: code, errInfo: `emulated ${code}`, pid: null });
      expect(meaningOf(answer.errCode).messageKey).toBe(code === '-1509' ? 'rd.error.vendor' : `rd.error.${code}`);
    }
  });

  it('NOTREADY and USED services refuse captures with 720 and 710', async () => {
    const e = await emulator('mantra-mfs100');
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
    e.setStatus('NOTREADY');
    expect((await client.capture(service!, captureOptions)).errCode).toBe('720');
    e.setStatus('USED');
    expect((await client.capture(service!, captureOptions)).errCode).toBe('710');
  });

  it('a service that dies mid-answer gives a clear error, not a hang', async () => {
    const e = await emulator('mantra-mfs100', { captures: [{ dieMidAnswer: true }] });
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
    const error = await rejection(client.capture(service!, captureOptions));
    expect(error).toBeInstanceOf(RdTransportError);
    expect((error as RdTransportError).kind).toBe('connection-lost');
  });

  it('a hung capture ends at its deadline', async () => {
    const e = await emulator('mantra-mfs100', { captures: [{ hang: true }] });
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
    const started = performance.now();
    const error = await rejection(client.capture(service!, { ...captureOptions, timeoutMs: 300 }));
    expect((error as RdTransportError).kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it('malformed, oversized and entity-expansion answers are rejected cleanly', async () => {
    const bodies = {
      malformed: '<PidData><Resp errCode="0"></PidData>',
      hostile: '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><PidData><Resp errCode="0" errInfo="&b;"/></PidData>',
      oversized: `<PidData><Resp errCode="0"/><Data>${'A'.repeat(3 * 1024 * 1024)}</Data></PidData>`,
      garbage: Buffer.from([0x00, 0xff, 0x13, 0x37]),
    };
    const expected = { malformed: 'rd_xml_malformed', hostile: 'rd_xml_hostile', oversized: 'rd_too_large', garbage: 'rd_xml_malformed' };
    for (const [kind, body] of Object.entries(bodies) as [keyof typeof bodies, string | Buffer][]) {
      const e = await emulator('mantra-mfs100');
      const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
      e.setScript({ captures: [{ raw: Buffer.isBuffer(body) ? body.toString('latin1') : body }] });
      const error = await rejection(client.capture(service!, captureOptions));
      expect({ kind, code: (error as XmlError).code }).toEqual({ kind, code: expected[kind] });
    }
  });

  it('hostile documents in discovery and DEVICEINFO are skipped or refused, never expanded', async () => {
    const laughs = '<!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]><RDService status="READY" info="&b;"><Interface id="DEVICEINFO" path="/info"/></RDService>';
    const server = await raw(scriptedServer(() => ({ body: laughs })));
    expect(await discover({ host: '127.0.0.1', ports: [server.port], schemes: ['http'], timeoutMs: 1_000 })).toEqual([]);
    const infoServer = await raw(scriptedServer((method) => ({ body: method === 'RDSERVICE' ? '<RDService status="READY" info="x"><Interface id="DEVICEINFO" path="/info"/></RDService>' : laughs.replace('RDService', 'DeviceInfo') })));
    const [service] = await discover({ host: '127.0.0.1', ports: [infoServer.port], schemes: ['http'], timeoutMs: 1_000 });
    const error = await rejection(client.deviceInfo(service!));
    expect((error as XmlError).code).toBe('rd_xml_hostile');
    const dying = await raw(scriptedServer((method) => ({ body: method === 'RDSERVICE' ? '<RDService status="READY" info="x"><Interface id="DEVICEINFO" path="/info"/></RDService>' : '<DeviceInfo dpId="x" mi="y">', mode: method === 'RDSERVICE' ? 'ok' : 'die' })));
    const [dyingService] = await discover({ host: '127.0.0.1', ports: [dying.port], schemes: ['http'], timeoutMs: 1_000 });
    expect(((await rejection(client.deviceInfo(dyingService!))) as RdTransportError).kind).toBe('connection-lost');
  });

  it('a service that is not running is "unreachable"', async () => {
    const port = await closedPort();
    const error = await rejection(client.capture({ captureUrl: `http://127.0.0.1:${port}/rd/capture` }, captureOptions));
    expect((error as RdTransportError).kind).toBe('unreachable');
  });
});

describe('vendor answers seen in the field', () => {
  it('a service naming its device-info interface INFO is fully described: model, serial, certificate', async () => {
    const e = await emulator('mantra-mfs110-info');
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
    expect(service).toMatchObject({ status: 'READY', deviceInfoUrl: `http://127.0.0.1:${e.port}/rd/info`, pathsAssumed: false });
    const device = await client.deviceInfo(service!);
    expect(device).toMatchObject({ model: 'MFS110', serial: e.device.serial });
    expect(device.certificate?.state).toBe('valid');
  });

  it('a bare IDEMIA answer without interfaces captures and describes its device on the vendor default paths', async () => {
    // The emulator serves only /capture and /getDeviceInfo (404 elsewhere): success proves the paths.
    const e = await emulator('idemia-l1-bare', { captures: [{ qScore: 58, nmPoints: 31 }] });
    const [service] = await discover({ host: '127.0.0.1', ports: [e.port], schemes: ['http'], timeoutMs: 1_000 });
    expect(service).toMatchObject({
      status: 'READY',
      info: 'IDEMIA_L1_RDSERVICE',
      captureUrl: `http://127.0.0.1:${e.port}/capture`,
      deviceInfoUrl: `http://127.0.0.1:${e.port}/getDeviceInfo`,
      pathsAssumed: true,
    });
    expect((await client.deviceInfo(service!)).model).toBe('MSO1300E4');
    expect(await client.capture(service!, captureOptions)).toMatchObject({ errCode: '0', qScore: 58, nmPoints: 31 });
  });

  it('a READY service that can capture comes before a READY one that cannot, and the device service captures with it', async () => {
    const { cannot, can } = await readyPairOneCannotCapture(pidDataXml({ qScore: '66', nmPoints: '33' }));
    running.push(cannot, can);
    const discovery = { host: '127.0.0.1', ports: [cannot.port, can.port], schemes: ['http' as const], timeoutMs: 1_000 };
    const found = await discover(discovery);
    expect(found.map((s) => [s.port, s.status, s.captureUrl !== null])).toEqual([
      [can.port, 'READY', true],
      [cannot.port, 'READY', false],
    ]);

    const service = new DeviceService({
      discovery,
      client,
      presence: new PresenceWatcher([], loadCatalogue(appPaths.resourcesDir), 60_000, silentLogger),
      catalogue: loadCatalogue(appPaths.resourcesDir),
      capture: { attempts: 3, threshold: 40, rotation: DEFAULT_ROTATION, timeoutMs: 2_000, env: 'P', models: {} },
      health: new HealthMonitor(silentLogger),
      events: new EventHub(silentLogger),
      log: silentLogger,
      rescanMs: 60_000,
      pidHoldMs: 60_000,
    });
    const status = await service.scan();
    expect(status.selected?.service.port).toBe(can.port);
    expect(status.diagnosis).toBe('ready');
    const { sessionId } = service.sessions.start();
    expect(await service.sessions.capture(sessionId)).toMatchObject({ phase: 'accepted', last: { errCode: '0', qScore: 66 } });
  });

  it('a capture answer whose qScore lists 125,000 values gives the weakest of the first few, never a crash', async () => {
    const server = await raw(
      rdServer('<RDService status="READY" info="Test RD"><Interface id="CAPTURE" path="/rd/capture"/></RDService>', pidDataXml({ qScore: hugeQualityList(125_000), nmPoints: hugeQualityList(125_000) })),
    );
    const [service] = await discover({ host: '127.0.0.1', ports: [server.port], schemes: ['http'], timeoutMs: 1_000 });
    expect(await client.capture(service!, captureOptions)).toMatchObject({ errCode: '0', qScore: 35, nmPoints: 35 });
  });
});

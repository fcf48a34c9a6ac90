import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { sleep } from '../../base/scheduler';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import selfsigned from 'selfsigned';
import type { RdScheme, RdStatus } from '../../../shared/contract/device';
import { MitraError } from '../../../shared/errors';
import type { Logger } from '../../logging/logger';
import { attr, child, parseXml } from '../../base/xml';
import { deviceInfoXml, newDevice, pidDataXml, rdServiceXml, type EmulatedDevice } from './documents';
import { readRequest, responseHead, writeResponse, type WireRequest } from './http-wire';
import { DEFAULT_PROFILE, PROFILES, type VendorProfile } from './profiles';
import { CaptureStep, EmulatorScript, GOOD_CAPTURE, type EmulatorScriptInput } from './script';

export interface EmulatorOptions {
  port: number;
  host?: string;
  https?: boolean;
  profile?: string;
  script?: EmulatorScriptInput;
  log?: Logger;
}

export interface EmulatorStats {
  requests: Record<string, number>;
  captures: number;
}

export interface RdEmulator {
  port: number;
  scheme: RdScheme;
  origin: string;
  profile: VendorProfile;
  device: EmulatedDevice;
  /** Replace the script (the CAPTURE sequence starts again). */
  setScript(script: EmulatorScriptInput): void;
  /** Plug, unplug or hold the emulated device. */
  setStatus(status: RdStatus): void;
  stats(): EmulatorStats;
  close(): Promise<void>;
}

/** Control path for tests and training: POST a script, GET the stats. Loopback only, like the rest. */
export const CONTROL_PATH = '/__emulator';

async function certificates(daysLeft: number) {
  const notBeforeDate = new Date(Date.now() - 30 * 86_400_000);
  const notAfterDate = new Date(Date.now() + daysLeft * 86_400_000);
  const attrs = [{ name: 'commonName', value: 'Mitra Desk RD emulator (not a real device)' }];
  return selfsigned.generate(attrs, { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate });
}

function derBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/**
 * A real HTTP(S) server that behaves like a vendor's RD service: RDSERVICE, DEVICEINFO and
 * CAPTURE as in rd-service.md, shaped by a vendor profile and driven by a script.
 */
export async function startRdEmulator(options: EmulatorOptions): Promise<RdEmulator> {
  const found = PROFILES[options.profile ?? DEFAULT_PROFILE];
  if (!found) throw new MitraError('emulator_profile', `unknown emulator profile "${options.profile}" (known: ${Object.keys(PROFILES).join(', ')})`);
  const profile: VendorProfile = found;
  let script = EmulatorScript.parse(options.script ?? {});
  const scheme: RdScheme = (options.https ?? profile.defaultScheme === 'https') ? 'https' : 'http';
  const host = options.host ?? '127.0.0.1';
  const log = options.log;
  const deviceCert = await certificates(script.certificateDaysLeft);
  const device = newDevice(profile, derBase64(deviceCert.cert));
  const stats: EmulatorStats = { requests: {}, captures: 0 };
  let captureIndex = 0;
  const sockets = new Set<Socket>();

  const nextStep = () => {
    const steps = script.captures.length > 0 ? script.captures : [GOOD_CAPTURE];
    const index = script.repeat === 'cycle' ? captureIndex % steps.length : Math.min(captureIndex, steps.length - 1);
    captureIndex++;
    return CaptureStep.parse(steps[index]);
  };

  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(300_000, () => socket.destroy());
    readRequest(socket, (request) => void answer(socket, request).catch(() => socket.destroy()), (status, reason) => writeResponse(socket, status, reason, 'text/plain'));
  };

  async function answer(socket: Socket, request: WireRequest): Promise<void> {
    const method = request.method.toUpperCase();
    const path = request.path.split('?')[0] ?? '/';
    stats.requests[method] = (stats.requests[method] ?? 0) + 1;
    log?.debug(`emulator ${method} ${path}`);
    if (path.startsWith(CONTROL_PATH)) return control(socket, method, request.body);
    if (script.delayMs > 0) await sleep(script.delayMs);
    switch (method) {
      case 'RDSERVICE':
        if (script.hang.rdservice) return; // accept, never answer
        return writeResponse(socket, 200, rdServiceXml(profile, script.status, origin));
      case 'DEVICEINFO':
        if (path !== profile.deviceInfoRoute) return writeResponse(socket, 404, 'no such interface', 'text/plain');
        if (script.hang.deviceinfo) return;
        return writeResponse(socket, 200, `<?xml version="1.0"?>\n${deviceInfoXml(profile, device)}`);
      case 'CAPTURE':
        if (path !== profile.captureRoute) return writeResponse(socket, 404, 'no such interface', 'text/plain');
        return capture(socket, request.body);
      default:
        return writeResponse(socket, 405, 'RDSERVICE, DEVICEINFO or CAPTURE', 'text/plain');
    }
  }

  async function capture(socket: Socket, body: string): Promise<void> {
    stats.captures++;
    const opts = readPidOptions(body);
    if (!opts) return writeResponse(socket, 200, pidDataXml(profile, device, { errCode: '999', errInfo: 'Invalid PidOptions', fCount: 0, fType: 0, iCount: 0 }));
    const { fCount, iCount, fType } = opts;
    const refuse = (errCode: string, errInfo: string) => writeResponse(socket, 200, pidDataXml(profile, device, { errCode, errInfo, fCount: 0, fType, iCount: 0 }));
    if (script.status === 'NOTREADY') return refuse('720', 'Device not ready');
    if (script.status === 'USED') return refuse('710', 'Device is being used by another application');
    if (fCount > 0 && !profile.modalities.finger) return refuse('750', 'Fingerprint not supported by this RD service');
    if (iCount > 0 && !profile.modalities.iris) return refuse('760', 'Iris not supported by this RD service');

    const step = nextStep();
    if (step.delayMs) await sleep(step.delayMs);
    if (step.hang) return;
    if (step.raw !== undefined) return writeResponse(socket, 200, step.raw);
    const xml = pidDataXml(profile, device, {
      errCode: step.errCode,
      errInfo: step.errInfo ?? (step.errCode === '0' ? 'Capture Success (emulated)' : 'Emulated failure'),
      fCount: step.errCode === '0' ? fCount : 0,
      fType,
      iCount: step.errCode === '0' ? iCount : 0,
      qScore: step.errCode === '0' ? (step.qScore ?? GOOD_CAPTURE.qScore) : step.qScore,
      nmPoints: step.errCode === '0' ? (step.nmPoints ?? GOOD_CAPTURE.nmPoints) : step.nmPoints,
    });
    if (step.dieMidAnswer) {
      const bytes = Buffer.from(xml, 'utf8');
      socket.write(responseHead(200, 'text/xml; charset=utf-8', bytes.length));
      socket.write(bytes.subarray(0, Math.floor(bytes.length / 3)));
      void sleep(20).then(() => socket.destroy());
      return;
    }
    writeResponse(socket, 200, xml);
  }

  function control(socket: Socket, method: string, body: string): void {
    if (method === 'GET') return writeResponse(socket, 200, JSON.stringify({ profile: profile.name, status: script.status, ...stats }), 'application/json');
    if (method !== 'POST') return writeResponse(socket, 405, 'GET or POST', 'text/plain');
    try {
      setScript(JSON.parse(body) as EmulatorScriptInput);
      writeResponse(socket, 200, '{"ok":true}', 'application/json');
    } catch (error) {
      writeResponse(socket, 400, JSON.stringify({ ok: false, error: (error as Error).message }), 'application/json');
    }
  }

  function setScript(input: EmulatorScriptInput): void {
    script = EmulatorScript.parse(input);
    captureIndex = 0;
  }

  let server: Server;
  if (scheme === 'https') {
    const tlsCert = await certificates(3650);
    server = createTlsServer({ key: tlsCert.private, cert: tlsCert.cert }, onConnection);
  } else {
    server = createNetServer(onConnection);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${scheme}://${host}:${port}`;
  log?.info(`RD emulator "${profile.name}" listening on ${origin}`);

  return {
    port,
    scheme,
    origin,
    profile,
    device,
    setScript,
    setStatus: (status) => {
      script = { ...script, status };
    },
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The counts a CAPTURE asks for, or null when its PidOptions cannot be read. */
function readPidOptions(body: string): { fCount: number; iCount: number; fType: number } | null {
  try {
    const opts = child(parseXml(body, 64 * 1024), 'opts');
    return { fCount: Number(attr(opts, 'fCount') ?? 1), iCount: Number(attr(opts, 'iCount') ?? 0), fType: Number(attr(opts, 'fType') ?? 2) };
  } catch {
    return null;
  }
}


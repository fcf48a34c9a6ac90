import { lstatSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../base/atomic-file';
import { isLoopbackHostname } from '../../base/loopback';
import { MAX_TIMER_MS, sleep } from '../../base/scheduler';
import type { Finger as FingerType, RdScheme, RdServiceEntry } from '../../../shared/contract/device';
import { Finger } from '../../../shared/contract/device';
import { MitraError } from '../../../shared/errors';
import { createLogger } from '../../logging/logger';
import { loadCatalogue } from '../../device/catalogue';
import { meaningOf } from '../../device/rd/error-codes';
import { RdClient } from '../../device/rd/client';
import { DEFAULT_PORTS, discover, parsePorts, pickService } from '../../device/rd/discovery';
import { applyAttempt, initialState } from '../../device/capture/policy';
import { defaultSources } from '../../device/usb/sources';
import { PresenceWatcher } from '../../device/usb/watcher';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { parseIntOption, parseLanguage, printJson, say } from '../output';

const client = new RdClient();

function parseHost(value: string | undefined): string {
  const host = value ?? '127.0.0.1';
  if (!isLoopbackHostname(host)) throw new UsageError('--host must be 127.0.0.1, localhost or ::1: RD services are only ever on this computer');
  return host;
}

function parseScheme(value: string | undefined): RdScheme[] {
  if (value === undefined) return ['http', 'https'];
  if (value !== 'http' && value !== 'https') throw new UsageError(`--scheme must be http or https, not "${value}"`);
  return [value];
}

function parseFinger(value: string | undefined): FingerType | undefined {
  if (value === undefined) return undefined;
  const parsed = Finger.safeParse(value.toUpperCase());
  if (!parsed.success) throw new UsageError(`--finger must be one of ${Finger.options.join(', ')}`);
  return parsed.data;
}

function parsePortList(value: string | undefined): number[] {
  try {
    return value ? parsePorts(value) : DEFAULT_PORTS;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The service on `--port`, found the way discovery finds it (so its paths are normalised); without
 * `--port`, the one the app would pick among `--ports` (a READY service that can capture first).
 */
async function chooseService(values: { host?: string; port?: string; ports?: string; scheme?: string }, timeoutMs: number): Promise<RdServiceEntry> {
  const host = parseHost(values.host);
  const schemes = parseScheme(values.scheme);
  if (values.port !== undefined && values.ports !== undefined) throw new UsageError('give --port or --ports, not both');
  const ports = values.port !== undefined ? [parseIntOption('port', values.port, 0, 1, 65_535)] : parsePortList(values.ports);
  const service = pickService(await discover({ host, ports, schemes, timeoutMs }));
  if (!service) {
    const where = ports.length === 1 ? `${host}:${ports[0]}` : `${host} (${ports.length} ports)`;
    throw new MitraError('rd_not_found', `no RD service answered on ${where} (${schemes.join(' or ')})`);
  }
  return service;
}

/** `--pid-out` must not be a symbolic link (it would be written wherever the link points) nor a non-file. */
function checkPidOut(file: string): void {
  let found: Stats;
  try {
    found = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new MitraError('pid_out_unusable', `--pid-out ${file}: ${(error as Error).message}`);
  }
  if (found.isSymbolicLink()) throw new MitraError('pid_out_symlink', `--pid-out ${file} is a symbolic link: refusing to write a PID block through it (give a plain file path)`);
  if (!found.isFile()) throw new MitraError('pid_out_not_file', `--pid-out ${file} exists and is not a regular file`);
}

/** The PID block as a new file of mode 0600 whatever was there (writeFileAtomic renames over a link itself, never its target). */
function writePidFile(file: string, content: string): void {
  try {
    writeFileAtomic(resolve(file), content, 0o600);
  } catch (error) {
    throw new MitraError('pid_out_write_failed', `--pid-out ${file}: ${(error as Error).message}`, { cause: error });
  }
}

const scan: Command = {
  summary: 'find RD services on this computer (all ports probed at once)',
  usage: 'mitra-desk device scan [--host 127.0.0.1] [--ports 11100-11120] [--timeout-ms N] [--json]',
  async run({ argv, stdout }) {
    const { values } = parseCommandArgs(argv, { host: { type: 'string' }, ports: { type: 'string' }, 'timeout-ms': { type: 'string' }, json: { type: 'boolean' } });
    const host = parseHost(values.host);
    const ports = parsePortList(values.ports);
    const timeoutMs = parseIntOption('timeout-ms', values['timeout-ms'], 1_500, 100, 60_000);
    const started = performance.now();
    const services = await discover({ host, ports, schemes: ['http', 'https'], timeoutMs });
    const devices = await Promise.all(services.map((s) => (s.status === 'NOTREADY' ? Promise.resolve(null) : client.deviceInfo(s).catch(() => null))));
    const tookMs = Math.round(performance.now() - started);
    if (values.json) {
      printJson(stdout, { host, ports: ports.length, tookMs, services: services.map((service, i) => ({ ...service, device: devices[i] })) });
      return 0;
    }
    if (services.length === 0) writeLine(stdout, `No RD service on ${host} (${ports.length} ports, ${tookMs} ms).`);
    services.forEach((s, i) => {
      const d = devices[i];
      writeLine(stdout, `${s.port}\t${s.scheme}\t${s.status}\t${s.info}${d ? `\t${d.model} ${d.serial}` : ''}${s.pathsAssumed ? '\t(interface paths assumed)' : ''}`);
    });
    return 0;
  },
};

const info: Command = {
  summary: 'show what the device behind one RD service reports (DEVICEINFO)',
  usage: 'mitra-desk device info [--port P | --ports 11100-11120] [--scheme http|https] [--host 127.0.0.1] [--json]',
  async run({ argv, stdout }) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, ports: { type: 'string' }, scheme: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' } });
    const service = await chooseService(values, 3_000);
    const device = await client.deviceInfo(service);
    if (values.json) {
      printJson(stdout, { service, device });
      return 0;
    }
    writeLine(stdout, `service   ${service.scheme}://127.0.0.1:${service.port} ${service.status} "${service.info}"${service.pathsAssumed ? ' (interface paths assumed: none declared)' : ''}`);
    writeLine(stdout, `provider  ${device.provider}`);
    writeLine(stdout, `service   ${device.serviceId} ${device.serviceVersion}`);
    writeLine(stdout, `model     ${device.model}   serial ${device.serial}`);
    writeLine(stdout, `device    ${device.deviceCode}`);
    const cert = device.certificate;
    writeLine(stdout, `cert      ${cert ? `${cert.state}${cert.validTo ? ` until ${cert.validTo.slice(0, 10)} (${cert.daysLeft} days)` : ''}` : 'none reported'}`);
    if (device.emulated) writeLine(stdout, 'note      emulated device (not a real scanner)');
    return 0;
  },
};

const capture: Command = {
  summary: 'capture one fingerprint and show codes, quality and guidance',
  usage: 'mitra-desk device capture [--port P | --ports 11100-11120] [--scheme http|https] [--finger RIGHT_THUMB] [--timeout-ms N] [--threshold 40] [--lang en|hi] [--json] [--pid-out FILE]',
  async run({ argv, stdout }) {
    const { values } = parseCommandArgs(argv, {
      port: { type: 'string' },
      ports: { type: 'string' },
      scheme: { type: 'string' },
      host: { type: 'string' },
      finger: { type: 'string' },
      'timeout-ms': { type: 'string' },
      threshold: { type: 'string' },
      lang: { type: 'string' },
      json: { type: 'boolean' },
      'pid-out': { type: 'string' },
    });
    const language = parseLanguage(values.lang);
    const finger = parseFinger(values.finger);
    const timeoutMs = parseIntOption('timeout-ms', values['timeout-ms'], 10_000, 1_000, 60_000);
    const threshold = parseIntOption('threshold', values.threshold, 40, 0, 100);
    // Refused before the patient puts a finger on the glass.
    if (values['pid-out'] !== undefined) checkPidOut(values['pid-out']);
    const service = await chooseService(values, 3_000);
    const answer = await client.capture(service, { fingerCount: 1, fingerType: 'BOTH', position: finger, timeoutMs, env: 'P' });
    // The same policy the app uses, for one attempt: what would the operator be told?
    const config = { attempts: 3, threshold, rotation: [finger ?? 'RIGHT_THUMB'] };
    const decided = applyAttempt(config, initialState(config, finger), { at: new Date(), errCode: answer.errCode, qScore: answer.qScore, nmPoints: answer.nmPoints });
    const guidance = say(language, decided.guidance);
    if (values['pid-out'] && answer.pid) writePidFile(values['pid-out'], answer.pid.reveal());
    const result = {
      errCode: answer.errCode,
      errInfo: answer.errInfo,
      meaning: answer.errCode === '0' ? 'success' : meaningOf(answer.errCode).category,
      qScore: answer.qScore,
      nmPoints: answer.nmPoints,
      threshold,
      outcome: decided.last?.outcome,
      guidance,
      device: answer.device,
      pid: answer.pid ? { bytes: answer.pid.byteLength, writtenTo: values['pid-out'] ?? null } : null,
    };
    if (values.json) printJson(stdout, result);
    else {
      writeLine(stdout, `errCode   ${result.errCode}${result.errInfo ? ` (${result.errInfo})` : ''}`);
      writeLine(stdout, `quality   ${result.qScore ?? '-'} (threshold ${threshold})   minutiae ${result.nmPoints ?? '-'}`);
      writeLine(stdout, `outcome   ${result.outcome}`);
      writeLine(stdout, `guidance  ${guidance}`);
      writeLine(stdout, `pid       ${answer.pid ? (values['pid-out'] ? `written to ${values['pid-out']} (${answer.pid.byteLength} bytes)` : `${answer.pid.byteLength} bytes, not written (use --pid-out FILE)`) : 'none'}`);
    }
    // 0: accepted; 3: the scanner answered but the capture is not good enough or failed.
    return decided.phase === 'accepted' ? 0 : 3;
  },
};

const watch: Command = {
  summary: 'print USB attach/detach of catalogue devices as they happen',
  usage: 'mitra-desk device watch [--interval-ms 2000] [--json]',
  async run({ argv, stdout, stderr, paths }) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, 'interval-ms': { type: 'string' } });
    const intervalMs = parseIntOption('interval-ms', values['interval-ms'], 2_000, 200, 60_000);
    const watcher = new PresenceWatcher(defaultSources(), loadCatalogue(paths.resourcesDir), intervalMs, createLogger({ consoleLevel: false }));
    const line = (type: string, device: { vid: string; pid: string; vendor: string; model: string; source: string; path: string | null }) =>
      values.json
        ? writeLine(stdout, JSON.stringify({ at: new Date().toISOString(), event: type, ...device }))
        : writeLine(stdout, `${new Date().toISOString()} ${type} ${device.vid}:${device.pid} ${device.vendor} ${device.model} (${device.source}${device.path ? ` ${device.path}` : ''})`);
    watcher.onEvent((event) => line(event.type, event.device));
    const first = await watcher.poll();
    writeLine(stderr, first.available ? `watching USB (every ${intervalMs} ms; Ctrl+C stops)` : `USB cannot be listed here (${first.reason}); watching serial ports only`);
    watcher.start();
    // The watcher's timers do not hold the process open (they must not in the app); waiting for the signal does.
    const stopped = new AbortController();
    process.once('SIGINT', () => stopped.abort());
    process.once('SIGTERM', () => stopped.abort());
    while (!stopped.signal.aborted) await sleep(MAX_TIMER_MS, { signal: stopped.signal });
    watcher.stop();
    return 0;
  },
};

export const deviceCommands: Record<string, Command> = {
  'device scan': scan,
  'device info': info,
  'device capture': capture,
  'device watch': watch,
};

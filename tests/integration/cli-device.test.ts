import { existsSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli';
import { useTempDirs } from '../support/temp';
import type { RawServer } from '../support/raw-servers';
import { hugeQualityList, pidDataXml, rdServer, readyPairOneCannotCapture } from '../support/rd-answers';

const tempDir = useTempDirs();
const LISTENING = /listening on (https?):\/\/127\.0\.0\.1:(\d+)/;
const started: { stop(): Promise<number | null> }[] = [];
const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(made: Promise<RawServer>): Promise<RawServer> {
  const s = await made;
  servers.push(s);
  return s;
}

async function emulator(args: string[]) {
  const process = await startCli(['rd-emulator', '--port', '0', ...args], LISTENING);
  started.push(process);
  return { scheme: process.match[1]!, port: Number(process.match[2]) };
}

describe('mitra-desk device … against mitra-desk rd-emulator', () => {
  it('device scan --json lists every emulator with its status, scheme and device', async () => {
    const mantra = await emulator(['--profile', 'mantra-mfs100']);
    const idemia = await emulator(['--profile', 'idemia-l1']);
    const scriptFile = join(tempDir(), 'notready.json');
    writeFileSync(scriptFile, JSON.stringify({ status: 'NOTREADY' }));
    const morpho = await emulator(['--profile', 'morpho-l0', '--script', scriptFile]);
    const ports = [mantra.port, idemia.port, morpho.port].join(',');
    const result = await runCli(['device', 'scan', '--ports', ports, '--timeout-ms', '1500', '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.ports).toBe(3);
    const byPort = Object.fromEntries(doc.services.map((s: { port: number }) => [s.port, s]));
    expect(byPort[mantra.port]).toMatchObject({ scheme: 'http', status: 'READY', info: 'Mantra Authentication Vendor Device Manager', device: { model: 'MFS100', emulated: true } });
    expect(byPort[idemia.port]).toMatchObject({ scheme: 'https', status: 'READY', info: 'IDEMIA_L1_RDSERVICE', device: { model: 'MSO1300E4' } });
    expect(byPort[morpho.port]).toMatchObject({ status: 'NOTREADY', device: null });
    expect(doc.services.at(-1).port).toBe(morpho.port); // READY first
  });

  it('device info and device capture answer in text and JSON; the PID block is written only with --pid-out', async () => {
    const scriptFile = join(tempDir(), 'script.json');
    writeFileSync(scriptFile, JSON.stringify({ captures: [{ qScore: 25, nmPoints: 20 }, { qScore: 80, nmPoints: 44 }] }));
    const { port } = await emulator(['--profile', 'startek-fm220u', '--script', scriptFile]);

    const info = await runCli(['device', 'info', '--port', String(port)]);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/model\s+FM220U/);

    const low = await runCli(['device', 'capture', '--port', String(port), '--finger', 'left_index', '--json', '--lang', 'hi']);
    expect(low.code).toBe(3);
    const lowDoc = JSON.parse(low.stdout);
    expect(lowDoc).toMatchObject({ errCode: '0', qScore: 25, threshold: 40, outcome: 'low-quality', pid: { writtenTo: null } });
    expect(lowDoc.guidance).toContain('गुणवत्ता 25');

    const pidFile = join(tempDir(), 'pid.xml');
    const good = await runCli(['device', 'capture', '--port', String(port), '--pid-out', pidFile]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/quality\s+80/);
    expect(good.stdout).not.toContain('<Skey');
    expect(readFileSync(pidFile, 'utf8')).toContain('<Skey ci="EMULATED">');
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);
  });

  it('errors go to stderr with a non-zero exit, and stdout stays empty', async () => {
    const nothing = await runCli(['device', 'info', '--port', '1', '--json']);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toBe('');
    expect(nothing.stderr).toMatch(/no RD service answered on 127\.0\.0\.1:1/);
    const remote = await runCli(['device', 'scan', '--host', '10.0.0.1']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('--host must be');
    const badScript = join(tempDir(), 'bad.json');
    writeFileSync(badScript, JSON.stringify({ captures: [{ qScore: 900 }] }));
    const bad = await runCli(['rd-emulator', '--port', '0', '--script', badScript]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('captures.0.qScore');
    expect(existsSync(badScript)).toBe(true);
  });

  it('device watch prints how it watches and stops cleanly', async () => {
    const watch = await startCli(['device', 'watch', '--json', '--interval-ms', '200'], /watching USB|USB cannot be listed here/, {}, 10_000, 'stderr');
    await new Promise((r) => setTimeout(r, 600));
    expect(watch.child.exitCode).toBeNull(); // still watching after several polls
    expect(await watch.stop('SIGINT')).toBe(0);
    // With no catalogue device plugged in (as on a build machine) there are no attach lines.
    for (const line of watch.stdout().split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('event');
  });
});

describe('mitra-desk device … against hostile and field answers', () => {
  it('device capture and device info without --port pick the READY service that can capture', async () => {
    const { cannot, can } = await readyPairOneCannotCapture(pidDataXml({ qScore: '66', nmPoints: '33' }));
    servers.push(cannot, can);
    const ports = `${cannot.port},${can.port}`;
    const capture = await runCli(['device', 'capture', '--ports', ports, '--scheme', 'http', '--json']);
    expect({ code: capture.code, stderr: capture.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(capture.stdout)).toMatchObject({ errCode: '0', qScore: 66, outcome: 'accepted' });
    const info = await runCli(['device', 'info', '--ports', ports, '--scheme', 'http', '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ service: { port: can.port, status: 'READY' }, device: { model: 'SCRIPTED', serial: 'T123' } });
  });

  it('device capture answers an RD reply whose qScore lists 125,000 values, without crashing', async () => {
    const rd = await server(rdServer('<RDService status="READY" info="Test RD"><Interface id="CAPTURE" path="/rd/capture"/></RDService>', pidDataXml({ qScore: hugeQualityList(125_000), nmPoints: hugeQualityList(125_000) })));
    const result = await runCli(['device', 'capture', '--port', String(rd.port), '--scheme', 'http', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ errCode: '0', qScore: 35, nmPoints: 35, outcome: 'low-quality' });
  });

  it('--pid-out replaces an existing 0644 file with a 0600 one', async () => {
    const { port } = await emulator(['--profile', 'mantra-mfs100']);
    const pidFile = join(tempDir(), 'pid.xml');
    writeFileSync(pidFile, 'old contents', { mode: 0o644 });
    expect(statSync(pidFile).mode & 0o777).toBe(0o644);
    const result = await runCli(['device', 'capture', '--port', String(port), '--pid-out', pidFile]);
    expect(result.code).toBe(0);
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(pidFile, 'utf8')).toContain('<Skey ci="EMULATED">');
  });

  it('--pid-out refuses a symbolic link and leaves its target untouched', async () => {
    const { port } = await emulator(['--profile', 'mantra-mfs100']);
    const dir = tempDir();
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'not yours', { mode: 0o644 });
    const link = join(dir, 'pid.xml');
    symlinkSync(target, link);
    const result = await runCli(['device', 'capture', '--port', String(port), '--pid-out', link]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('not yours');
    expect(statSync(target).mode & 0o777).toBe(0o644);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
  });
});

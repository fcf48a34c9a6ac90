import { spawn, spawnSync } from 'node:child_process';
import { sleep } from '../../base/scheduler';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseCommandArgs, writeLine, type Command, type CommandContext } from '../command';
import { serve } from './serve';
import { parseIntOption } from '../output';

/** How long Electron must stay up before we call the start a success. */
const SETTLE_MS = 4_000;

type ElectronStart = { ok: true; exitCode: Promise<number> } | { ok: false; reason: string };

/**
 * Find the Electron binary in a child process: the electron package's entry downloads it on first use
 * and prints a stack when it cannot, which must not reach the operator's terminal.
 */
function electronBinary(appRoot: string, env: NodeJS.ProcessEnv): string | { reason: string } {
  let entry: string;
  try {
    entry = createRequire(join(appRoot, 'package.json')).resolve('electron');
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const probe = spawnSync(process.execPath, ['-p', 'require(process.argv[1])', entry], {
    cwd: appRoot,
    env,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (probe.status === 0 && probe.stdout.trim()) return probe.stdout.trim();
  return { reason: probe.error ? probe.error.message : 'the Electron binary is not installed and could not be downloaded' };
}

async function startElectron(context: CommandContext): Promise<ElectronStart> {
  const { appRoot } = context.paths;
  const env = { ...context.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const binary = electronBinary(appRoot, env);
  if (typeof binary !== 'string') return { ok: false, reason: binary.reason };

  const child = spawn(binary, [appRoot], { cwd: appRoot, env, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    context.stderr.write(chunk);
  });
  const exitCode = new Promise<number>((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
  const settled = new AbortController();
  const early = await Promise.race([exitCode, sleep(SETTLE_MS, { signal: settled.signal }).then(() => null)]);
  settled.abort();
  if (early === null) return { ok: true, exitCode };
  const lastLine = stderr.trim().split('\n').pop()?.slice(0, 160);
  return { ok: false, reason: `Electron exited at once (code ${early}${lastLine ? `: ${lastLine}` : ''})` };
}

export const startCommand: Command = {
  summary: 'start the desktop app; where Electron cannot run, serve the kiosk UI to a browser instead',
  usage: 'mitra-desk start [--port N] [--data-dir DIR]   (the port is for the browser fallback)',
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { port: { type: 'string' } });
    const port = parseIntOption('port', values.port, 0, 0, 65_535);
    if (values['data-dir']) context.env.MITRA_DESK_DATA_DIR = values['data-dir'];
    const electron = await startElectron(context);
    if (electron.ok) return electron.exitCode;
    writeLine(context.stdout, `Electron cannot start here (${electron.reason}); serving the kiosk UI to a browser instead.`);
    return serve(context, port, values['data-dir']);
  },
};

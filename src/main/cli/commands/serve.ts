import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startApp } from '../../app/start';
import { resolveDataDir } from '../../config/paths';
import { startWebHost } from '../../webhost/server';
import { parseCommandArgs, writeLine, type Command, type CommandContext } from '../command';
import { parseIntOption } from '../output';

export const SERVING_PREFIX = 'Mitra Desk is serving at';

/** Start the app's services and the loopback web host; runs until SIGINT/SIGTERM. */
export async function serve(context: CommandContext, port: number, dataDirArg: string | undefined): Promise<number> {
  const { paths, env, stdout } = context;
  if (!existsSync(join(paths.rendererDir, 'index.html'))) {
    writeLine(context.stderr, `The kiosk UI is not built (${paths.rendererDir} is missing). Run: npm run build`);
    return 1;
  }
  const running = await startApp({ dataDir: resolveDataDir(dataDirArg, env), paths, shell: 'web', env });
  let host: Awaited<ReturnType<typeof startWebHost>>;
  try {
    host = await startWebHost({ port, rendererDir: paths.rendererDir, dispatch: running.dispatch, events: running.events, log: running.log.scope('web') });
  } catch (error) {
    await running.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      writeLine(context.stderr, `Port ${port} is already in use (another Mitra Desk?). Choose another with --port, or 0 for any free port.`);
      return 1;
    }
    throw error;
  }
  // Listen for the stop signal before announcing the address: whoever reads the line may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  writeLine(stdout, `${SERVING_PREFIX} ${host.url} (open it in a browser on this computer; Ctrl+C stops)`);
  running.log.info(`web host listening on ${host.origin}`);
  await stopped;
  await host.close();
  await running.stop();
  return 0;
}

export const serveCommand: Command = {
  summary: 'serve the kiosk UI to a browser on this computer (loopback only)',
  usage: 'mitra-desk serve [--port N] [--data-dir DIR]',
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { port: { type: 'string' } });
    return serve(context, parseIntOption('port', values.port, 0, 0, 65_535), values['data-dir']);
  },
};

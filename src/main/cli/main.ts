/**
 * `mitra-desk`: the command line for support staff and for running the app without Electron.
 * Plain Node; never imports Electron.
 */
import { MitraError } from '../../shared/errors';
import { UsageError, writeLine, type Command, type CommandContext } from './command';
import { deviceCommands } from './commands/device';
import { portalSimCommand } from './commands/portal-sim';
import { queueCommands } from './commands/queue';
import { rdEmulatorCommand } from './commands/rd-emulator';
import { syncCommand } from './commands/sync';
import { serveCommand } from './commands/serve';
import { startCommand } from './commands/start';
import { udevRulesCommand } from './commands/udev-rules';
import { version } from '../../../package.json';

/** Command words to command; multi-word commands ("device scan") are keyed with a space. */
export const commands: Record<string, Command> = {
  start: startCommand,
  serve: serveCommand,
  'udev-rules': udevRulesCommand,
  ...deviceCommands,
  'rd-emulator': rdEmulatorCommand,
  'portal-sim': portalSimCommand,
  ...queueCommands,
  sync: syncCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return [`Mitra Desk ${version}`, '', 'Usage: mitra-desk <command> [options]', '', ...lines, '', 'Every command takes --data-dir DIR (or MITRA_DESK_DATA_DIR) and --help.'].join('\n');
}

/** Longest match of the leading words against the command table. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (let words = Math.min(argv.length, 3); words >= 1; words--) {
    const command = commands[argv.slice(0, words).join(' ')];
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

export async function main(argv: string[], context: Omit<CommandContext, 'argv'>): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    writeLine(context.stdout, help());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    writeLine(context.stdout, version);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    writeLine(context.stderr, `Unknown command: ${argv.join(' ')}\n\n${help()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    writeLine(context.stdout, `Usage: ${found.command.usage}`);
    return 0;
  }
  try {
    return await found.command.run({ ...context, argv: found.rest });
  } catch (error) {
    if (error instanceof UsageError) {
      writeLine(context.stderr, `${error.message}\nUsage: ${found.command.usage}`);
      return 2;
    }
    if (error instanceof MitraError) {
      writeLine(context.stderr, `Error (${error.code}): ${error.message}`);
      return 1;
    }
    throw error;
  }
}

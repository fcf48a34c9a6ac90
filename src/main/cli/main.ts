/**
 * `mitra-desk`: the command line for support staff and for running the app without Electron.
 * Plain Node; never imports Electron.
 */
import { MitraError } from '../../shared/errors';
import { UsageError, writeLine, type Command, type CommandContext } from './command';
import { printable } from './output';
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

function commandList(names: string[]): string[] {
  const width = Math.max(...names.map((name) => name.length));
  return names.map((name) => `  ${name.padEnd(width)}  ${commands[name]!.summary}`);
}

function help(): string {
  return [`Mitra Desk ${version}`, '', 'Usage: mitra-desk <command> [options]', '', ...commandList(Object.keys(commands)), '', 'Every command takes --data-dir DIR (or MITRA_DESK_DATA_DIR) and --help.'].join('\n');
}

/** The commands under a group word ("queue" -> queue status, queue list, ...); empty when it is no group. */
function groupCommands(word: string): string[] {
  return Object.keys(commands).filter((name) => name.startsWith(`${word} `));
}

function groupHelp(word: string, names: string[]): string {
  return [`Usage: mitra-desk ${word} <command> [options]`, '', ...commandList(names), '', `See mitra-desk ${word} <command> --help.`].join('\n');
}

function commandHelp(command: Command): string {
  return command.help ? `Usage: ${command.usage}\n\n${command.help}` : `Usage: ${command.usage}`;
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
    const group = groupCommands(argv[0]!);
    if (group.length) {
      const [, next] = argv;
      if (next === '--help' || next === '-h') {
        writeLine(context.stdout, groupHelp(argv[0]!, group));
        return 0;
      }
      writeLine(context.stderr, `${next === undefined || next.startsWith('-') ? `mitra-desk ${argv[0]} needs a command` : `Unknown command: ${argv.join(' ')}`}\n\n${groupHelp(argv[0]!, group)}`);
      return 2;
    }
    writeLine(context.stderr, `Unknown command: ${argv.join(' ')}\n\n${help()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    writeLine(context.stdout, commandHelp(found.command));
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
      writeLine(context.stderr, `Error (${error.code}): ${printable(error.message)}`);
      return 1;
    }
    throw error;
  }
}

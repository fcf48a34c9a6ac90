import { maskAadhaarLike } from '../../shared/aadhaar/mask';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AppPaths } from '../app/paths';

/** What every command receives: its own argv (after the command words) and where the app lives. */
export interface CommandContext {
  argv: string[];
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  /** One line for `mitra-desk --help`. */
  summary: string;
  usage: string;
  /** More for `--help` than the usage line: what the command expects and does. */
  help?: string;
  run(context: CommandContext): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs, strict, with `--data-dir` and `--help` known everywhere; mistakes become UsageError. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Every line the CLI prints, to stdout or stderr, with any Aadhaar-like number masked (an argument or a file's content may echo one). */
export function writeLine(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${maskAadhaarLike(line)}\n`);
}

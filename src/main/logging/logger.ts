import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, parse } from 'node:path';
import { format } from 'node:util';
import electronLog from 'electron-log/node';
import { redactValue } from './redact';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** The small logging surface every service receives as an argument. */
export interface Logger {
  error(message: string, ...data: unknown[]): void;
  warn(message: string, ...data: unknown[]): void;
  info(message: string, ...data: unknown[]): void;
  debug(message: string, ...data: unknown[]): void;
  scope(name: string): Logger;
}

export interface LoggerOptions {
  /** Folder for rotating files (`main.log`, `main.1.log`, ...); omit for no file. */
  dir?: string;
  level?: LogLevel;
  /** Where console lines go: stderr keeps stdout clean for `--json` output. Default: stderr at warn. */
  consoleLevel?: LogLevel | false;
  /** Rotate at this size; keep this many old files. */
  maxBytes?: number;
  keepFiles?: number;
  logId?: string;
}

let instances = 0;

const APP_NAME = 'Mitra Desk';
/** main.log and its rotated generations main.1.log ... */
const LOG_FILE = /^main(\.\d+)?\.log$/;

/**
 * electron-log for the app and the Node-only hosts alike (its `node` entry never loads Electron).
 * A hook redacts every message before any transport writes it.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { dir, level = 'info', consoleLevel = 'warn', maxBytes = 5 * 1024 * 1024, keepFiles = 5 } = options;
  const log = electronLog.create({ logId: options.logId ?? `mitra-desk-${++instances}` });
  log.scope.labelPadding = false;
  log.hooks.push((message) => ({ ...message, data: message.data.map((item) => redactValue(item)) }));

  if (dir) {
    // Logs hold patient names and desk details: owner only, whatever an older version left behind.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    for (const name of readdirSync(dir)) if (LOG_FILE.test(name)) chmodSync(join(dir, name), 0o600);
    // electron-log otherwise looks for the app name in a package.json above the working directory,
    // and drops every line when there is none (the CLI run from any folder).
    log.transports.file.setAppName(APP_NAME);
    log.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
    log.transports.file.level = level;
    log.transports.file.maxSize = maxBytes;
    log.transports.file.resolvePathFn = () => join(dir, 'main.log');
    log.transports.file.archiveLogFn = (file) => rotate(file.toString(), keepFiles);
  } else {
    log.transports.file.level = false;
  }

  // electron-log swallows its own failures; say once that the log cannot be written rather than lose it silently.
  let reported = false;
  (log as unknown as { processInternalErrorFn: (error: unknown) => void }).processInternalErrorFn = (error) => {
    if (reported) return;
    reported = true;
    process.stderr.write(`Mitra Desk cannot write its log: ${error instanceof Error ? error.message : String(error)}\n`);
  };

  log.transports.console.level = consoleLevel;
  log.transports.console.format = '[{level}]{scope} {text}';
  log.transports.console.writeFn = ({ message }) => {
    process.stderr.write(`${format(...message.data)}\n`);
  };

  return wrap(log);
}

/** main.log -> main.1.log -> ... -> main.N.log, dropping the oldest. */
function rotate(current: string, keep: number): void {
  const { dir, name, ext } = parse(current);
  const numbered = (n: number) => join(dir, `${name}.${n}${ext}`);
  rmSync(numbered(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    try {
      renameSync(numbered(n), numbered(n + 1));
    } catch {
      // that generation does not exist yet
    }
  }
  renameSync(current, numbered(1));
}

type ElectronLogLike = Pick<ReturnType<typeof electronLog.create>, 'error' | 'warn' | 'info' | 'debug' | 'scope'>;

function wrap(log: ElectronLogLike, scopeName?: string): Logger {
  const target = scopeName ? log.scope(scopeName) : log;
  return {
    error: (message, ...data) => target.error(message, ...data),
    warn: (message, ...data) => target.warn(message, ...data),
    info: (message, ...data) => target.info(message, ...data),
    debug: (message, ...data) => target.debug(message, ...data),
    scope: (name) => wrap(log, scopeName ? `${scopeName}.${name}` : name),
  };
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  scope: () => silentLogger,
};

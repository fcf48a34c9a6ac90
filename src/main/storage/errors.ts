import { MitraError } from '../../shared/errors';

export type StoreProblem = 'locked' | 'corrupt' | 'emptied' | 'removed' | 'full' | 'unwritable' | 'too-new' | 'failed';

/**
 * A database failure in words an operator (and support) can act on. Whatever happened, what was
 * committed before stays committed: SQLite rolls the failed transaction back as a whole.
 */
export class StoreError extends MitraError {
  constructor(
    readonly problem: StoreProblem,
    message: string,
    params: Record<string, string | number> = {},
    cause?: unknown,
  ) {
    super(`store_${problem.replace('-', '_')}`, message, { messageKey: `store.${problem === 'too-new' ? 'tooNew' : problem}`, params, cause });
    this.name = 'StoreError';
  }
}

/** Map better-sqlite3's error codes to a StoreError; anything else passes through unchanged. */
export function toStoreError(error: unknown, file: string): unknown {
  const code = (error as { code?: string } | null)?.code ?? '';
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const params = { file };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new StoreError('locked', `database ${file} is locked by another program`, params, error);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new StoreError('corrupt', `database ${file} is damaged`, params, error);
  if (code === 'SQLITE_FULL') return new StoreError('full', `disk full: database ${file} cannot grow`, params, error);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM')
    return new StoreError('unwritable', `database ${file} cannot be written (${code})`, params, error);
  return new StoreError('failed', `database error ${code}`, params, error);
}

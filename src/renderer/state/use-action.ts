import { useCallback, useState } from 'react';
import { ContractErrorCode } from '../../shared/contract/errors';
import { MitraError } from '../../shared/errors';

/** How a call ended: its answer, or the typed error (already shown by the action's banner). */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: MitraError };

export interface Action {
  /** True while any run of this action is on its way (disable the buttons that start it). */
  readonly busy: boolean;
  /** The last run's failure, for an ErrorBanner; cleared when the next run starts. */
  readonly error: MitraError | null;
  /**
   * Runs `work`, keeping `busy` and `error`. Never rejects: a failure comes back as an Outcome and
   * stays in `error`, so no call is swallowed and none becomes an unhandled rejection.
   */
  run<R>(work: () => Promise<R>): Promise<Outcome<R>>;
}

/** Any failure as the typed error the UI can show: a MitraError as it is, anything else as internal. */
export function toMitraError(cause: unknown): MitraError {
  if (cause instanceof MitraError) return cause;
  // Not from the contract: a bug in the renderer. Keep the details for whoever opens the console.
  console.error('unexpected failure in the renderer', cause);
  return new MitraError(ContractErrorCode.internal, cause instanceof Error ? cause.message : String(cause), { cause });
}

/**
 * The busy flag and the typed error of one thing a screen does (a call, or a few in a row). Every
 * call a screen makes goes through one: `busy` disables its buttons, `error` goes to an ErrorBanner.
 * `run` keeps its identity, so effects may depend on it.
 */
export function useAction(): Action {
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<MitraError | null>(null);
  const run = useCallback(async <R>(work: () => Promise<R>): Promise<Outcome<R>> => {
    setPending((n) => n + 1);
    setError(null);
    try {
      return { ok: true, value: await work() };
    } catch (cause) {
      const failure = toMitraError(cause);
      setError(failure);
      return { ok: false, error: failure };
    } finally {
      setPending((n) => n - 1);
    }
  }, []);
  return { busy: pending > 0, error, run };
}

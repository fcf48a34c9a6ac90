/**
 * Every timer and event callback in the main process runs through here, so none can throw out of
 * the process: a throw or a rejected promise goes to the one `onError` given at start (which logs
 * it and turns the storage link red for a database failure). The kiosk keeps serving the desk.
 */
export type TaskErrorHandler = (task: string, error: unknown) => void;

export interface Task {
  cancel(): void;
}

export interface TimerFunctions {
  setTimeout(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout | undefined): void;
}

const REAL_TIMERS: TimerFunctions = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (timer) => clearTimeout(timer) };

/** setTimeout accepts at most 2^31-1 ms; anything longer (or NaN) would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;
export function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(MAX_TIMER_MS, Math.max(0, Math.floor(ms))) : 0;
}

export interface TaskOptions {
  /** Keep the process alive while this timer waits (the default lets the process end). */
  keepAlive?: boolean;
}

export class Scheduler {
  constructor(
    private readonly onError: TaskErrorHandler,
    private readonly timers: TimerFunctions = REAL_TIMERS,
  ) {}

  /** Run `work` once after `ms`. */
  after(task: string, ms: number, work: () => unknown, options: TaskOptions = {}): Task {
    let cancelled = false;
    const timer = this.timers.setTimeout(() => {
      if (!cancelled) this.run(task, work);
    }, clampDelay(ms));
    if (!options.keepAlive) timer.unref?.();
    return {
      cancel: () => {
        cancelled = true;
        this.timers.clearTimeout(timer);
      },
    };
  }

  /**
   * Run `work` again and again: the next run starts `delay()` ms after the previous one finished
   * (a slow run never overlaps the next). `delay` is read after each run, so it may change.
   */
  repeat(task: string, delay: number | (() => number), work: () => unknown, options: TaskOptions & { firstAfterMs?: number } = {}): Task {
    let current: Task | null = null;
    let cancelled = false;
    const next = (ms: number) => {
      if (cancelled) return;
      current = this.after(
        task,
        ms,
        async () => {
          try {
            await work();
          } finally {
            next(this.delayOf(task, delay));
          }
        },
        options,
      );
    };
    next(options.firstAfterMs ?? this.delayOf(task, delay));
    return {
      cancel: () => {
        cancelled = true;
        current?.cancel();
      },
    };
  }

  /** An event callback that cannot throw out: for `emitter.on(event, scheduler.guard('name', fn))`. */
  guard<A extends unknown[]>(task: string, callback: (...args: A) => unknown): (...args: A) => void {
    return (...args: A) => this.run(task, () => callback(...args));
  }

  /** Run `work` now, reporting a throw or rejection instead of passing it on. */
  run(task: string, work: () => unknown): void {
    try {
      const result = work();
      if (result instanceof Promise) result.catch((error: unknown) => this.report(task, error));
    } catch (error) {
      this.report(task, error);
    }
  }

  private delayOf(task: string, delay: number | (() => number)): number {
    if (typeof delay === 'number') return delay;
    try {
      return delay();
    } catch (error) {
      this.report(task, error);
      return 1_000;
    }
  }

  private report(task: string, error: unknown): void {
    try {
      this.onError(task, error);
    } catch {
      // The error handler itself failed (a full disk under the log?): nothing safer to do than go on.
    }
  }
}

/** Wait for `work` to settle, at most `ms`; the timer is cleared as soon as it does (nothing lingers to keep the process alive). */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  const done = new AbortController();
  await Promise.race([work.then(noop, noop), sleep(ms, { signal: done.signal })]);
  done.abort();
}

function noop(): void {}

/**
 * Wait `ms`; ends early (resolving) when `signal` aborts. It keeps the process alive while it waits:
 * an awaited wait must not let Node drain its event loop and exit in the middle of the work.
 */
export function sleep(ms: number, options: { signal?: AbortSignal } = {}): Promise<void> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve();
    const timer = setTimeout(done, clampDelay(ms));
    options.signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

import { describe, expect, it } from 'vitest';
import { clampDelay, MAX_TIMER_MS, Scheduler, type TimerFunctions } from '../../src/main/base/scheduler';

/** Timers driven by hand: `fire()` runs what is due, in order. */
function manualTimers() {
  let now = 0;
  let id = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: TimerFunctions = {
    setTimeout: (fn, ms) => {
      pending.set(++id, { at: now + ms, fn });
      return { unref() {}, id } as unknown as NodeJS.Timeout;
    },
    clearTimeout: (timer) => {
      if (timer) pending.delete((timer as unknown as { id: number }).id);
    },
  };
  return {
    timers,
    pending: () => pending.size,
    async advance(ms: number) {
      now += ms;
      for (const [key, entry] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (entry.at > now) continue;
        pending.delete(key);
        entry.fn();
        await new Promise((resolve) => setImmediate(resolve)); // let the task's promise settle
      }
    },
  };
}

describe('the guarded scheduler', () => {
  it('a task that throws, or rejects, is reported and never thrown out', async () => {
    const clock = manualTimers();
    const errors: string[] = [];
    const scheduler = new Scheduler((task, error) => errors.push(`${task}: ${(error as Error).message}`), clock.timers);
    scheduler.after('sync throw', 10, () => {
      throw new Error('SQLITE_BUSY');
    });
    scheduler.after('async reject', 10, async () => {
      throw new Error('SQLITE_FULL');
    });
    await clock.advance(10);
    expect(errors).toEqual(['sync throw: SQLITE_BUSY', 'async reject: SQLITE_FULL']);
  });

  it('repeat goes on after a failing run, never overlaps a slow one, and stops when cancelled', async () => {
    const clock = manualTimers();
    const errors: unknown[] = [];
    const scheduler = new Scheduler((_task, error) => errors.push(error), clock.timers);
    let runs = 0;
    let release: () => void = () => {};
    const task = scheduler.repeat('lease renewal', 100, () => {
      runs++;
      if (runs === 1) throw new Error('locked');
      if (runs === 2) return new Promise<void>((resolve) => (release = resolve));
      return undefined;
    });
    await clock.advance(100);
    expect([runs, errors.length]).toEqual([1, 1]);
    await clock.advance(100);
    expect(runs).toBe(2);
    await clock.advance(1_000); // the second run has not finished: no third run is scheduled yet
    expect([runs, clock.pending()]).toEqual([2, 0]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(100);
    expect(runs).toBe(3);
    task.cancel();
    await clock.advance(1_000);
    expect([runs, clock.pending()]).toEqual([3, 0]);
  });

  it('an event callback wrapped by guard cannot throw into the emitter', () => {
    const errors: string[] = [];
    const scheduler = new Scheduler((task) => errors.push(task));
    const callback = scheduler.guard('usb hotplug', () => {
      throw new Error('boom');
    });
    expect(() => callback()).not.toThrow();
    expect(errors).toEqual(['usb hotplug']);
  });

  it('an error handler that itself throws is swallowed, not rethrown', () => {
    const scheduler = new Scheduler(() => {
      throw new Error('the log disk is full too');
    });
    expect(() => scheduler.run('x', () => Promise.reject(new Error('first')))).not.toThrow();
    expect(() => scheduler.run('x', () => {
      throw new Error('first');
    })).not.toThrow();
  });

  it('delays are clamped: NaN, negative and beyond setTimeout\'s limit never fire at once by accident', () => {
    expect(clampDelay(Number.NaN)).toBe(0);
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(1e16)).toBe(MAX_TIMER_MS);
    expect(clampDelay(1500.7)).toBe(1500);
  });
});

import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useAction, type Outcome } from '../../src/renderer/state/use-action';
import { MitraError } from '../../src/shared/errors';
import { collectUnhandledRejections, deferred } from './support';

describe('useAction', () => {
  const unhandled = collectUnhandledRejections();
  /** Let any unhandled rejection surface (Node reports them after the microtask queue drains). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('is busy while its work is on the way, and gives the answer back', async () => {
    const { result } = renderHook(() => useAction());
    const answer = deferred<string>();
    let run!: Promise<Outcome<string>>;
    act(() => {
      run = result.current.run(() => answer.promise);
    });
    expect(result.current.busy).toBe(true);
    await act(async () => answer.resolve('done'));
    expect(await run).toEqual({ ok: true, value: 'done' });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('keeps a failed call as its typed MitraError, resolves instead of rejecting, and leaves no unhandled rejection', async () => {
    const { result } = renderHook(() => useAction());
    const failure = new MitraError('queue_not_retryable', 'not retryable', { messageKey: 'queue.error.notRetryable' });
    let outcome!: Outcome<unknown>;
    await act(async () => {
      outcome = await result.current.run(() => Promise.reject(failure));
    });
    expect(outcome).toEqual({ ok: false, error: failure });
    expect(result.current.error).toBe(failure);
    expect(result.current.busy).toBe(false);
    // Callers may ignore the outcome (`void run(...)`): still nothing escapes.
    act(() => void result.current.run(() => Promise.reject(failure)));
    await act(settle);
    expect(unhandled).toEqual([]);
  });

  it('turns anything else thrown (also synchronously) into an internal MitraError', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { result } = renderHook(() => useAction());
    await act(async () => {
      await result.current.run(() => {
        throw new TypeError('x is undefined');
      });
    });
    expect(result.current.error).toBeInstanceOf(MitraError);
    expect(result.current.error).toMatchObject({ code: 'internal', messageKey: 'errors.internal', message: 'x is undefined' });
    vi.restoreAllMocks();
  });

  it('clears the error when the next run starts, and stays busy until every overlapping run ends', async () => {
    const { result } = renderHook(() => useAction());
    await act(async () => void (await result.current.run(() => Promise.reject(new MitraError('unavailable', 'down')))));
    expect(result.current.error?.code).toBe('unavailable');

    const first = deferred<number>();
    const second = deferred<number>();
    act(() => {
      void result.current.run(() => first.promise);
      void result.current.run(() => second.promise);
    });
    expect(result.current.error).toBeNull();
    await act(async () => first.resolve(1));
    expect(result.current.busy).toBe(true);
    await act(async () => second.resolve(2));
    expect(result.current.busy).toBe(false);
  });

  it('keeps the identity of run, so effects may depend on it', () => {
    const { result, rerender } = renderHook(() => useAction());
    const before = result.current.run;
    rerender();
    expect(result.current.run).toBe(before);
  });
});

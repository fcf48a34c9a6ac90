import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useLive } from '../../src/renderer/state/live';
import type { QueueSummary } from '../../src/shared/contract';
import { MitraError } from '../../src/shared/errors';
import { deferred, liveClient, makeDevice, makeHealth, makeSummary, renderDesk } from './support';

/** Shows what the provider holds, as any screen would read it. */
function Probe({ name = 'probe' }: { name?: string }) {
  const live = useLive();
  return (
    <p data-testid={name} data-queued={live.queue?.counts.queued ?? 'none'} data-health={live.health?.links[0]?.status ?? 'none'} data-device={live.device?.diagnosis ?? 'none'} data-error={live.error?.code ?? 'none'}>
      <button type="button" onClick={live.refresh}>
        refresh
      </button>
    </p>
  );
}

const queued = (n: number): QueueSummary => makeSummary({ counts: { ...makeSummary().counts, queued: n } });

describe('LiveProvider', () => {
  it('fetches health, device and queue whole once connected, and follows each with one subscription', async () => {
    const client = liveClient(queued(3));
    renderDesk(
      <>
        <Probe name="a" />
        <Probe name="b" />
      </>,
      { client },
    );
    await waitFor(() => expect(screen.getByTestId('a').dataset.queued).toBe('3'));
    expect(screen.getByTestId('a').dataset.health).toBe('ok');
    expect(screen.getByTestId('a').dataset.device).toBe('not-plugged');
    expect(screen.getByTestId('b').dataset.queued).toBe('3');
    // Two readers, one subscription per event (the screens no longer subscribe on their own).
    for (const event of ['health.changed', 'device.changed', 'queue.changed'] as const) expect(client.listenerCount(event)).toBe(1);

    client.emit('queue.changed', queued(5));
    expect(screen.getByTestId('a').dataset.queued).toBe('5');
    expect(screen.getByTestId('b').dataset.queued).toBe('5');
  });

  it('drops a fetched answer that arrives after a newer event', async () => {
    const slow = deferred<QueueSummary>();
    const client = liveClient().answer('queue.summary', () => slow.promise);
    renderDesk(<Probe />, { client });
    await waitFor(() => expect(client.callsTo('queue.summary').length).toBeGreaterThan(0));

    // News arrives while the fetch is on its way; then the (older) fetched answer lands.
    client.emit('queue.changed', queued(7));
    await act(async () => slow.resolve(queued(1)));

    expect(screen.getByTestId('probe').dataset.queued).toBe('7');
    // The other states were not held back by it.
    expect(screen.getByTestId('probe').dataset.health).toBe('ok');
  });

  it('does not fetch before the link is up, and fetches whole again when it comes back', async () => {
    let answer = queued(1);
    const client = liveClient().answer('queue.summary', () => answer);
    const desk = renderDesk(<Probe />, { client, connection: 'connecting' });
    expect(client.callsTo('queue.summary')).toHaveLength(0);

    desk.setConnection('connected');
    await waitFor(() => expect(screen.getByTestId('probe').dataset.queued).toBe('1'));

    // Events were missed while the link was down: the state is fetched whole on reconnect.
    desk.setConnection('lost');
    answer = queued(4);
    desk.setConnection('connected');
    await waitFor(() => expect(screen.getByTestId('probe').dataset.queued).toBe('4'));
  });

  it('keeps a failed fetch as its error (never swallowed) until an event or a refresh brings the state', async () => {
    let failing = true;
    const client = liveClient()
      .answer('health.snapshot', () => {
        if (failing) throw new MitraError('unavailable', 'web host down');
        return makeHealth('down');
      })
      .answer('device.status', () => makeDevice({ diagnosis: 'ready', message: { key: 'device.diagnosis.ready', params: { model: 'MFS100' } } }));
    renderDesk(<Probe />, { client });
    await waitFor(() => expect(screen.getByTestId('probe').dataset.error).toBe('unavailable'));
    expect(screen.getByTestId('probe').dataset.device).toBe('ready');

    // An event brings the state: nothing is missing any more.
    client.emit('health.changed', makeHealth('ok'));
    expect(screen.getByTestId('probe').dataset.error).toBe('none');
    expect(screen.getByTestId('probe').dataset.health).toBe('ok');

    // A refresh fetches again; its answer is taken (no event came since it started).
    failing = false;
    act(() => screen.getByRole('button', { name: 'refresh' }).click());
    await waitFor(() => expect(screen.getByTestId('probe').dataset.health).toBe('down'));
    expect(screen.getByTestId('probe').dataset.error).toBe('none');
  });
});

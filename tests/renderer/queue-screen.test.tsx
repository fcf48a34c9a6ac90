import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { QueueScreen } from '../../src/renderer/screens/QueueScreen';
import type { QueueEntry } from '../../src/shared/contract';
import { MitraError } from '../../src/shared/errors';
import { en, hi } from '../../src/shared/i18n';
import { deferred, liveClient, makeEntry, makeSummary, renderDesk } from './support';

const counts = (changes: Partial<ReturnType<typeof makeSummary>['counts']>) => ({ ...makeSummary().counts, ...changes });
const unreachable = () => new MitraError('unavailable', 'call queue.retryNow failed: fetch failed');

/** The entry's card, found by the patient's name. */
const card = async (name: string) => (await screen.findByText(name)).closest('li')!;

describe('QueueScreen, end to end in the DOM', () => {
  it('a failed action shows the error banner; trying again works, clears it, and the queue follows the news', async () => {
    let entry: QueueEntry = makeEntry({ state: 'needs-action', lastError: { key: 'sync.reason.portalDown', params: {} } });
    const firstTry = deferred<QueueEntry>();
    let tries = 0;
    const client = liveClient(makeSummary({ counts: counts({ 'needs-action': 1 }) }))
      .answer('queue.list', () => [entry])
      .answer('queue.retryNow', ({ id }) => {
        tries++;
        if (tries === 1) return firstTry.promise;
        entry = { ...entry, id, state: 'queued', lastError: null };
        return entry;
      });
    renderDesk(<QueueScreen training={false} />, { client });

    const sunita = await card('Sunita Devi');
    expect(within(sunita).getByTestId('entry-state').textContent).toBe(en.queue.state['needs-action']);
    expect(within(sunita).getByTestId('entry-error').textContent).toBe(en.sync.reason.portalDown);
    await waitFor(() => expect(screen.getByTestId('count-waiting').textContent).toContain('Needs action: 1'));

    // First try: busy while on its way (no second press), then the failure is shown, not swallowed.
    fireEvent.click(within(sunita).getByRole('button', { name: 'Retry now' }));
    expect(within(sunita).getByRole<HTMLButtonElement>('button', { name: 'Retry now' }).disabled).toBe(true);
    await act(async () => firstTry.reject(unreachable()));
    const banner = await screen.findByTestId('error-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toBe(en.errors.unavailable);
    expect(within(sunita).getByRole<HTMLButtonElement>('button', { name: 'Retry now' }).disabled).toBe(false);

    // Second try succeeds: the banner goes; the main process then announces the new queue.
    fireEvent.click(within(sunita).getByRole('button', { name: 'Retry now' }));
    await waitFor(() => expect(screen.queryByTestId('error-banner')).toBeNull());
    expect(client.callsTo('queue.retryNow')).toEqual([{ id: 'e1' }, { id: 'e1' }]);
    client.emit('queue.changed', makeSummary({ counts: counts({ queued: 1 }) }));
    await waitFor(() => expect(within(sunita).getByTestId('entry-state').textContent).toBe(en.queue.state.queued));
    expect(screen.getByTestId('count-waiting').dataset.count).toBe('1');
  });

  it('a failed listing is shown (it used to be swallowed, leaving an empty screen) and Try again lists again', async () => {
    let failing = true;
    const client = liveClient(makeSummary({ counts: counts({ 'needs-action': 1 }) })).answer('queue.list', () => {
      if (failing) throw unreachable();
      return [makeEntry()];
    });
    renderDesk(<QueueScreen training={false} />, { client });
    // The summary came (and the list was asked for again with it): the listing still failed.
    await waitFor(() => expect(screen.getByTestId('count-waiting').textContent).toContain('Needs action: 1'));
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain(en.errors.unavailable);
    expect(screen.queryByText('Sunita Devi')).toBeNull();
    failing = false;
    fireEvent.click(within(banner).getByRole('button', { name: en.app.tryAgain }));
    expect(await card('Sunita Devi')).toBeTruthy();
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('the training panel shows a refused fault in Hindi instead of dropping it', async () => {
    const client = liveClient()
      .answer('queue.list', () => [])
      .answer('training.portalFaults', () => {
        throw new MitraError('training_only', 'not in training mode', { messageKey: 'errors.trainingOnly' });
      });
    renderDesk(<QueueScreen training />, { client, language: 'hi' });
    fireEvent.click(await screen.findByRole('button', { name: hi.training.outage }));
    expect((await screen.findByTestId('error-banner')).textContent).toBe(hi.errors.trainingOnly);
    // Nothing changed on the simulated portal, and the panel does not pretend otherwise.
    expect(screen.getByTestId('training-current').textContent).toContain(hi.training.normal);
  });

  it('re-submits a cancelled registration from the alert', async () => {
    const cancelled = makeEntry({ id: 'c1', state: 'cancelled-by-portal', portalRef: 'REG-9', cancelledReason: 'no pre-authorisation', lastError: null });
    const client = liveClient(makeSummary({ cancelled: [{ id: 'c1', patientName: 'Sunita Devi', portalRef: 'REG-9', cancelledReason: 'no pre-authorisation' }] }))
      .answer('queue.list', () => [cancelled])
      .answer('queue.resubmit', ({ id }) => ({ ...cancelled, id: `${id}-new`, state: 'queued', resubmittedFrom: id }));
    renderDesk(<QueueScreen training={false} />, { client });
    const alert = await screen.findByTestId('cancelled-alert');
    fireEvent.click(within(alert).getByRole('button', { name: 'Re-submit' }));
    await waitFor(() => expect(client.callsTo('queue.resubmit')).toEqual([{ id: 'c1' }]));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });
});

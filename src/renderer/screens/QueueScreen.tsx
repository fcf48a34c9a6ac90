import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistrationState } from '../../shared/contract';
import { MitraError } from '../../shared/errors';
import { useClient } from '../api/context';
import { QueueEntryCard } from '../components/QueueEntryCard';
import { DeskHoldAlert } from '../components/DeskHoldAlert';
import { TrainingPanel } from '../components/TrainingPanel';
import { formatDuration, formatTime } from '../format';
import { useNow } from '../state/use-now';
import { useQueue } from '../state/use-queue';

const FILTERS: (RegistrationState | undefined)[] = [undefined, 'queued', 'needs-action', 'cancelled-by-portal', 'registered', 'resolved'];

interface Props {
  training: boolean;
}

/**
 * The queue: counts by state, the age of the oldest waiting entry, the portal link, every entry
 * with its last problem and countdown, and the actions (retry now, re-submit, mark resolved).
 */
export function QueueScreen({ training }: Props) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [filter, setFilter] = useState<RegistrationState | undefined>(undefined);
  const { summary, entries } = useQueue(filter);
  const now = useNow(15_000);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MitraError | null>(null);
  const lang = i18n.language;

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (cause) {
      setError(cause instanceof MitraError ? cause : new MitraError('internal', String(cause)));
    } finally {
      setBusy(false);
    }
  };
  const resubmit = (id: string) => act(() => client.call('queue.resubmit', { id }));

  const counts = summary?.counts;
  return (
    <section className="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <DeskHoldAlert hold={summary?.hold} />
      {summary?.cancelled.map((c) => (
        <div key={c.id} className="banner banner-error cancel-alert" role="alert" data-testid="cancelled-alert">
          <strong>{t('queue.cancelledTitle')}</strong> {t('queue.cancelledAlert', { name: c.patientName, number: c.portalRef ?? '' })}{' '}
          {c.cancelledReason && <>{t('queue.cancelledReason', { reason: c.cancelledReason })} </>}
          <button type="button" className="primary" disabled={busy} onClick={() => void resubmit(c.id)}>
            {t('queue.actions.resubmit')}
          </button>
        </div>
      ))}
      {summary && counts && (
        <div className="queue-summary" data-testid="queue-summary">
          <p>
            <span data-testid="count-waiting" data-count={counts.queued + counts.sending}>
              {t('queue.summary', { waiting: counts.queued + counts.sending, action: counts['needs-action'] + counts['cancelled-by-portal'], registered: counts.registered })}
            </span>
          </p>
          <p>
            <span className={`portal-link portal-${summary.portal}`} data-testid="portal-link" data-portal={summary.portal}>
              {t('queue.portalLink', { state: t(`queue.portal.${summary.portal}`) })}
            </span>
            {' · '}
            {summary.oldestPendingAt ? t('queue.oldestPending', { age: formatDuration(now - Date.parse(summary.oldestPendingAt), lang) }) : t('queue.noneWaiting')}
            {summary.lastDeliveryAt && <> · {t('queue.lastDelivery', { time: formatTime(summary.lastDeliveryAt, lang) })}</>}
          </p>
        </div>
      )}
      <div className="filters" role="group" aria-label={t('queue.title')}>
        {FILTERS.map((state) => (
          <button key={state ?? 'all'} type="button" className="toggle-light" aria-pressed={filter === state} onClick={() => setFilter(state)}>
            {state ? t(`queue.state.${state}`) : t('queue.filterAll')}
            {state && counts ? ` (${counts[state]})` : ''}
          </button>
        ))}
      </div>
      {error && (
        <p className="banner banner-error" role="alert">
          {t(error.messageKey, error.params)}
        </p>
      )}
      {entries && entries.length === 0 && <p>{t('queue.empty')}</p>}
      <ul className="entries">
        {entries?.map((entry) => (
          <QueueEntryCard
            key={entry.id}
            entry={entry}
            now={now}
            busy={busy}
            onRetry={(id) => void act(() => client.call('queue.retryNow', { id }))}
            onResubmit={(id) => void resubmit(id)}
            onResolve={(id, reason) => void act(() => client.call('queue.resolve', { id, reason }))}
          />
        ))}
      </ul>
      {training && <TrainingPanel />}
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistrationState } from '../../shared/contract';
import { useClient } from '../api/context';
import { DeskHoldAlert } from '../components/DeskHoldAlert';
import { ErrorBanner } from '../components/ErrorBanner';
import { QueueEntryCard } from '../components/QueueEntryCard';
import { TrainingPanel } from '../components/TrainingPanel';
import { formatDuration, formatTime } from '../format';
import { useAction } from '../state/use-action';
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
  const { summary, entries, list, reload } = useQueue(filter);
  const now = useNow(15_000);
  // One action for the operator's work on entries: while one is on its way, the others wait.
  const entryAction = useAction();
  const busy = entryAction.busy;
  const lang = i18n.language;

  // The queue's new picture arrives as queue.changed (and the list follows it); answers need no handling here.
  const retryNow = (id: string) => void entryAction.run(() => client.call('queue.retryNow', { id }));
  const resubmit = (id: string) => void entryAction.run(() => client.call('queue.resubmit', { id }));
  const resolve = (id: string, reason: string) => void entryAction.run(() => client.call('queue.resolve', { id, reason }));

  const counts = summary?.counts;
  return (
    <section className="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <DeskHoldAlert hold={summary?.hold} />
      {summary?.cancelled.map((c) => (
        <div key={c.id} className="banner banner-error cancel-alert" role="alert" data-testid="cancelled-alert">
          <strong>{t('queue.cancelledTitle')}</strong> {t('queue.cancelledAlert', { name: c.patientName, number: c.portalRef ?? '' })}{' '}
          {c.cancelledReason && <>{t('queue.cancelledReason', { reason: c.cancelledReason })} </>}
          <button type="button" className="primary" disabled={busy} onClick={() => resubmit(c.id)}>
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
      <ErrorBanner error={entryAction.error} />
      <ErrorBanner error={list.error} onRetry={reload} />
      {entries && entries.length === 0 && <p>{t('queue.empty')}</p>}
      <ul className="entries">
        {entries?.map((entry) => (
          <QueueEntryCard
            key={entry.id}
            entry={entry}
            now={now}
            busy={busy}
            onRetry={retryNow}
            onResubmit={resubmit}
            onResolve={resolve}
          />
        ))}
      </ul>
      {training && <TrainingPanel />}
    </section>
  );
}

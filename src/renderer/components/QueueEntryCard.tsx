import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntry } from '../../shared/contract';
import { en } from '../../shared/i18n';
import { countdownText, msLeft, urgencyOf } from '../countdown';
import { formatTime } from '../format';
import { translateMessage } from '../i18n';

type HistoryEvent = keyof typeof en.queue.event;
const isHistoryEvent = (event: string): event is HistoryEvent => Object.hasOwn(en.queue.event, event);

interface Props {
  entry: QueueEntry;
  now: number;
  busy: boolean;
  onRetry(id: string): void;
  onResubmit(id: string): void;
  onResolve(id: string, reason: string): void;
}

/** One registration: state, the last problem in plain words, the watchdog's countdown, and what can be done. */
export function QueueEntryCard({ entry, now, busy, onRetry, onResubmit, onResolve }: Props) {
  const { t, i18n } = useTranslation();
  const [resolving, setResolving] = useState(false);
  const [reason, setReason] = useState('');
  const [showHistory, setShowHistory] = useState(false);
  const lang = i18n.language;
  const left = entry.expiresAt ? msLeft(entry.expiresAt, now) : null;
  const urgency = left === null ? null : urgencyOf(left);

  return (
    <li className={`entry entry-${entry.state}`} data-entry={entry.id} data-state={entry.state}>
      <div className="entry-head">
        <strong className="entry-name">{entry.patientName}</strong>
        <span className="entry-kind">{t(`queue.kind.${entry.kind}`)}</span>
        <span className={`badge badge-${entry.state}`} data-testid="entry-state">
          {t(`queue.state.${entry.state}`)}
        </span>
        <span className="entry-time">{formatTime(entry.createdAt, lang)}</span>
      </div>
      <p className="entry-meta">
        {entry.beneficiaryId}
        {entry.aadhaarLast4 && <> · XXXX XXXX {entry.aadhaarLast4}</>}
        {entry.portalRef && <> · {t('queue.portalNumber', { number: entry.portalRef })}</>}
        {entry.attempts > 0 && <> · {t('queue.attempts', { count: entry.attempts })}</>}
        {entry.nextAttemptAt && <> · {t('queue.nextAttempt', { time: formatTime(entry.nextAttemptAt, lang) })}</>}
      </p>
      {entry.lastError && (
        <p className="entry-error" data-testid="entry-error">
          {translateMessage(t, entry.lastError.key, entry.lastError.params)}
        </p>
      )}
      {left !== null && (
        <p className={`countdown countdown-${urgency}`} data-testid="countdown" role={urgency === 'urgent' ? 'alert' : undefined}>
          {countdownText(t, left, lang)}
        </p>
      )}
      {entry.cancelledReason && (entry.state === 'cancelled-by-portal' || entry.state === 'resubmitted') && (
        <p className="entry-error" data-testid="cancelled-reason">
          {t('queue.cancelledReason', { reason: entry.cancelledReason })}
        </p>
      )}
      {entry.resubmittedFrom && <p className="entry-link">{t('queue.linkedFrom')}</p>}
      {entry.resubmittedAs && <p className="entry-link">{t('queue.linkedTo')}</p>}
      <div className="actions">
        {(entry.state === 'queued' || entry.state === 'needs-action') && (
          <button type="button" disabled={busy} onClick={() => onRetry(entry.id)}>
            {t('queue.actions.retryNow')}
          </button>
        )}
        {entry.state === 'cancelled-by-portal' && (
          <button type="button" className="primary" disabled={busy} onClick={() => onResubmit(entry.id)}>
            {t('queue.actions.resubmit')}
          </button>
        )}
        {(entry.state === 'needs-action' || entry.state === 'cancelled-by-portal') && !resolving && (
          <button type="button" disabled={busy} onClick={() => setResolving(true)}>
            {t('queue.actions.resolve')}
          </button>
        )}
        <button type="button" aria-expanded={showHistory} onClick={() => setShowHistory(!showHistory)}>
          {t('queue.actions.history')}
        </button>
      </div>
      {resolving && (
        <form
          className="resolve"
          onSubmit={(event) => {
            event.preventDefault();
            if (reason.trim().length >= 3) {
              onResolve(entry.id, reason.trim());
              setResolving(false);
            }
          }}
        >
          <label>
            {t('queue.actions.resolveReason')}
            <input value={reason} onChange={(event) => setReason(event.target.value)} minLength={3} maxLength={300} required autoFocus />
          </label>
          <button type="submit" className="primary" disabled={busy || reason.trim().length < 3}>
            {t('queue.actions.confirm')}
          </button>
          <button type="button" onClick={() => setResolving(false)}>
            {t('queue.actions.cancel')}
          </button>
        </form>
      )}
      {showHistory && (
        <ol className="history">
          {entry.history.map((item, i) => (
            <li key={i}>
              <span className="entry-time">{formatTime(item.at, lang)}</span> {isHistoryEvent(item.event) ? t(`queue.event.${item.event}`) : item.event}
              {item.message && <> — {translateMessage(t, item.message.key, item.message.params)}</>}
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

import { useTranslation } from 'react-i18next';
import type { QueueSummary } from '../../shared/contract';
import { countdownText, msLeft, urgencyOf } from '../countdown';
import { useNow } from '../state/use-now';
import { DeskHoldAlert } from './DeskHoldAlert';

interface Props {
  summary: QueueSummary | null;
  onOpenQueue(): void;
}

/**
 * Alerts that must reach the operator on any screen: a fault that stops sending for the whole
 * desk, a registration the portal cancelled (with the portal's reason), and registrations about
 * to be cancelled unless pre-authorisation is raised.
 */
export function AlertsBar({ summary, onOpenQueue }: Props) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  if (!summary) return null;
  const expiring = summary.watched.filter((w) => urgencyOf(msLeft(w.expiresAt, now)) !== 'ok');
  const held = summary.hold !== null && summary.hold.reason !== 'outage';
  if (summary.cancelled.length === 0 && expiring.length === 0 && !held) return null;
  return (
    <div className="alerts" data-testid="alerts-bar">
      <DeskHoldAlert hold={summary.hold} />
      {summary.cancelled.map((c) => (
        <p key={c.id} className="banner banner-error" role="alert">
          <strong>{t('queue.cancelledTitle')}</strong> {t('queue.cancelledAlert', { name: c.patientName, number: c.portalRef ?? '' })}{' '}
          {c.cancelledReason && <>{t('queue.cancelledReason', { reason: c.cancelledReason })} </>}
          <button type="button" onClick={onOpenQueue}>
            {t('nav.queue')}
          </button>
        </p>
      ))}
      {expiring.map((w) => {
        const left = msLeft(w.expiresAt, now);
        const urgency = urgencyOf(left);
        const urgent = urgency === 'urgent' || urgency === 'expired';
        return (
          <p key={w.id} className={`banner ${urgent ? 'banner-error' : 'banner-warn'}`} role={urgent ? 'alert' : 'status'}>
            <strong>{w.patientName}</strong> {w.portalRef ?? ''}: {countdownText(t, left, i18n.language)}
          </p>
        );
      })}
    </div>
  );
}

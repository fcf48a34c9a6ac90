import { useTranslation } from 'react-i18next';
import type { DeskHold } from '../../shared/contract';
import { formatTime } from '../format';

const FAULTS = ['credentials', 'certificate', 'redirect', 'address'] as const;

/**
 * What holds every registration back (refused desk login, bad certificate, a redirect, or the
 * portal asking the desk to wait): one alert for the desk, never per-registration work. The status
 * strip names the broken link; this says what it means for the patients' registrations.
 * An outage is the strip's and the queue's "portal" line; it needs no alert of its own.
 */
export function DeskHoldAlert({ hold }: { hold: DeskHold | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!hold) return null;
  const fault = FAULTS.find((f) => f === hold.reason);
  if (fault)
    return (
      <p className="banner banner-error" role="alert" data-testid="desk-fault">
        {t(`queue.held.${fault}`)}
      </p>
    );
  if (hold.reason === 'rate-limited' && hold.until)
    return (
      <p className="banner banner-warn" role="status" data-testid="desk-rate-limited">
        {t('queue.rateLimited', { time: formatTime(hold.until, i18n.language) })}
      </p>
    );
  return null;
}

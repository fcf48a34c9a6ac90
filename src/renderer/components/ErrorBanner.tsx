import { useTranslation } from 'react-i18next';
import type { MitraError } from '../../shared/errors';
import { translateError } from '../i18n';

interface Props {
  error: MitraError | null | undefined;
  /** Offers "Try again" when the failed work can simply be run again. */
  onRetry?: () => void;
}

/** A failed call in the operator's language, announced to screen readers; nothing when all is well. */
export function ErrorBanner({ error, onRetry }: Props) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="banner banner-error" role="alert" data-testid="error-banner" data-code={error.code}>
      {translateError(t, error)}
      {onRetry && (
        <>
          {' '}
          <button type="button" onClick={onRetry}>
            {t('app.tryAgain')}
          </button>
        </>
      )}
    </p>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/context';
import { useAction } from '../state/use-action';
import { ErrorBanner } from './ErrorBanner';

const SCENARIOS = [
  { key: 'outage', spec: 'outage' },
  { key: 'slow', spec: 'slow=4000' },
  { key: 'errors', spec: '5xx=0.5' },
  { key: 'stateMissing', spec: 'state-missing=BR' },
  { key: 'credentials', spec: 'credentials' },
] as const;

/** Training mode only: make the simulated portal fail as the real one does, and bring it back. */
export function TrainingPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const [current, setCurrent] = useState('');
  const faults = useAction();
  const apply = (spec: string) =>
    void faults.run(() => client.call('training.portalFaults', { spec })).then((outcome) => outcome.ok && setCurrent(spec));
  return (
    <section className="training-panel" aria-labelledby="training-title" aria-busy={faults.busy}>
      <h3 id="training-title">{t('training.title')}</h3>
      <p>{t('training.hint')}</p>
      <div className="actions">
        {SCENARIOS.map(({ key, spec }) => (
          <button key={key} type="button" aria-pressed={current === spec} onClick={() => apply(spec)}>
            {t(`training.${key}`)}
          </button>
        ))}
        <button type="button" onClick={() => apply('none')}>
          {t('training.restore')}
        </button>
      </div>
      <ErrorBanner error={faults.error} />
      <p data-testid="training-current">{t('training.current', { spec: current && current !== 'none' ? current : t('training.normal') })}</p>
    </section>
  );
}

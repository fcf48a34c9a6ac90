import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/context';

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
  const apply = (spec: string) => client.call('training.portalFaults', { spec }).then(() => setCurrent(spec), () => {});
  return (
    <section className="training-panel" aria-labelledby="training-title">
      <h3 id="training-title">{t('training.title')}</h3>
      <p>{t('training.hint')}</p>
      <div className="actions">
        {SCENARIOS.map(({ key, spec }) => (
          <button key={key} type="button" aria-pressed={current === spec} onClick={() => void apply(spec)}>
            {t(`training.${key}`)}
          </button>
        ))}
        <button type="button" onClick={() => void apply('none')}>
          {t('training.restore')}
        </button>
      </div>
      <p data-testid="training-current">{t('training.current', { spec: current && current !== 'none' ? current : t('training.normal') })}</p>
    </section>
  );
}

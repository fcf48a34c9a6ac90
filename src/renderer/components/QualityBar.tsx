import { useTranslation } from 'react-i18next';

interface Props {
  value: number | null;
  threshold: number;
}

/** Quality 0-100 with the acceptance threshold marked; a meter for screen readers. */
export function QualityBar({ value, threshold }: Props) {
  const { t } = useTranslation();
  const shown = value === null ? 0 : Math.max(0, Math.min(100, Math.round(value)));
  const passed = value !== null && value >= threshold;
  return (
    <div className="quality">
      <div
        className="quality-track"
        role="meter"
        aria-label={t('capture.quality')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown}
        aria-valuetext={value === null ? t('capture.threshold', { threshold }) : t('capture.qualityValue', { quality: shown, threshold })}
        data-testid="quality-bar"
        data-value={value ?? ''}
      >
        <div className={`quality-fill ${passed ? 'is-pass' : 'is-low'}`} style={{ width: `${shown}%` }} />
        <div className="quality-threshold" style={{ left: `${threshold}%` }} aria-hidden="true" />
      </div>
      <p className="quality-label">{value === null ? t('capture.threshold', { threshold }) : t('capture.qualityValue', { quality: shown, threshold })}</p>
    </div>
  );
}

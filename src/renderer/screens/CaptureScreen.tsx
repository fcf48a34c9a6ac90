import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaptureState, Finger } from '../../shared/contract';
import { useClient } from '../api/context';
import { DeviceLine } from '../components/DeviceLine';
import { ErrorBanner } from '../components/ErrorBanner';
import { HandDiagram } from '../components/HandDiagram';
import { QualityBar } from '../components/QualityBar';
import { translateMessage } from '../i18n';
import { useLive } from '../state/live';
import { useAction } from '../state/use-action';

/**
 * The capture panel: which finger, attempt n of N, quality against the threshold, what to do
 * next in plain words. The main process runs the policy; this screen shows its decisions.
 */
export function CaptureScreen() {
  const { t } = useTranslation();
  const client = useClient();
  const { device } = useLive();
  const [state, setState] = useState<CaptureState | null>(null);
  const session = useAction();
  const { busy, run } = session;

  /** Every call here answers with the session's new state. */
  const step = (work: () => Promise<CaptureState>) => void run(work).then((outcome) => outcome.ok && setState(outcome.value));
  const startOver = () => step(() => client.call('device.captureStart', {}));
  // A session starts when the panel opens (an answer for a panel already closed is dropped).
  useEffect(() => {
    let open = true;
    void run(() => client.call('device.captureStart', {})).then((outcome) => {
      if (open && outcome.ok) setState(outcome.value);
    });
    return () => {
      open = false;
    };
  }, [client, run]);

  const capture = (finger?: Finger) => state && step(() => client.call('device.capture', finger ? { sessionId: state.sessionId, finger } : { sessionId: state.sessionId }));
  const choose = (finger: Finger) => state && setState({ ...state, finger, phase: 'capturing', attempt: finger === state.finger ? state.attempt : 0 });

  const tried = state ? [...new Set(state.attempts.filter((a) => a.outcome !== 'device-error').map((a) => a.finger))] : [];
  const accepted = state?.phase === 'accepted' ? state.finger : null;
  const attemptShown = state ? Math.min(state.phase === 'accepted' ? state.attempt : state.attempt + 1, state.attemptsPerFinger) : 0;
  const lastQuality = state?.last?.qScore ?? null;
  const deviceInfo = state?.device ?? device?.selected?.device ?? null;

  return (
    <section className="capture" aria-labelledby="capture-title">
      <h2 id="capture-title">{t('capture.title')}</h2>
      <DeviceLine status={device} device={deviceInfo} />
      {state && (
        <div className="capture-grid">
          <HandDiagram current={state.finger} tried={tried} accepted={accepted} disabled={busy} onChoose={(finger) => (finger === state.finger ? undefined : choose(finger))} />
          <div className={`capture-panel phase-${state.phase}`} data-testid="capture-panel" data-phase={state.phase}>
            <p className="attempt" data-testid="attempt">
              <strong>{t(`capture.finger.${state.finger}`)}</strong> · {t('capture.attempt', { n: attemptShown, total: state.attemptsPerFinger })}
            </p>
            <QualityBar value={lastQuality} threshold={state.threshold} />
            <p className="guidance" data-testid="guidance" role="status" aria-live="polite">
              {busy ? t('capture.capturing') : translateMessage(t, state.guidance.key, state.guidance.params)}
            </p>
            {state.best && state.phase !== 'accepted' && state.best.qScore !== null && (
              <p className="best">{t('capture.best', { quality: Math.round(state.best.qScore), finger: t(`capture.finger.${state.best.finger}`) })}</p>
            )}
            <div className="actions">
              {state.phase === 'accepted' ? (
                <button type="button" className="primary" onClick={startOver}>
                  {t('capture.startOver')}
                </button>
              ) : (
                <button type="button" className="primary" disabled={busy} onClick={() => capture(state.finger)} autoFocus>
                  {busy ? t('capture.capturing') : t('capture.capture')}
                </button>
              )}
              {state.phase !== 'accepted' && (
                <button type="button" disabled={busy} onClick={startOver}>
                  {t('capture.startOver')}
                </button>
              )}
            </div>
          </div>
        </div>
      )}
      <ErrorBanner error={session.error} />
    </section>
  );
}

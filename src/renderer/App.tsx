import { useCallback, useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, Language } from '../shared/contract';
import { MitraError } from '../shared/errors';
import { useClient } from './api/context';
import { AlertsBar } from './components/AlertsBar';
import { LanguageSwitch } from './components/LanguageSwitch';
import { StatusStrip } from './components/StatusStrip';
import { CaptureScreen } from './screens/CaptureScreen';
import { HomeScreen } from './screens/HomeScreen';
import { QueueScreen } from './screens/QueueScreen';
import { StatusScreen } from './screens/StatusScreen';
import { ConnectionContext, useLive } from './state/use-live';

const SCREENS = ['home', 'capture', 'queue', 'status'] as const;
type Screen = (typeof SCREENS)[number];

export function App() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<MitraError | null>(null);
  const connection = useContext(ConnectionContext);
  const [screen, setScreen] = useState<Screen>('home');
  const health = useLive('health.changed');
  const queueSummary = useLive('queue.changed');


  useEffect(() => {
    client.call('app.info', {}).then(
      (value) => {
        setInfo(value);
        void i18n.changeLanguage(value.language);
      },
      (cause: unknown) => setError(cause instanceof MitraError ? cause : new MitraError('internal', String(cause))),
    );
  }, [client, i18n]);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('app.name');
  }, [i18n.language, t]);

  const changeLanguage = useCallback(
    (language: Language) => {
      void i18n.changeLanguage(language);
      client.call('app.setLanguage', { language }).then(setInfo, (cause: unknown) => {
        if (cause instanceof MitraError) setError(cause);
      });
    },
    [client, i18n],
  );

  const training = info?.mode === 'training';
  return (
    <div className={`app ${training ? 'is-training' : ''}`}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="brand">
          <h1>{t('app.name')}</h1>
          <span className="tagline">{t('app.tagline')}</span>
        </div>
        {info && (
          <span className={`mode-badge mode-${info.mode}`} data-testid="mode-badge">
            {training ? t('app.training') : t('app.live')}
          </span>
        )}
        <LanguageSwitch language={(i18n.language as Language) ?? 'en'} onChange={changeLanguage} />
      </header>
      {training && <p className="training-banner">{t('app.trainingHint')}</p>}
      {connection === 'lost' && (
        <p className="banner banner-error" role="alert">
          {t('connect.lost')}
        </p>
      )}
      {error && (
        <p className="banner banner-error" role="alert">
          {t(error.messageKey, error.params)}
        </p>
      )}
      <StatusStrip snapshot={health} />
      {screen !== 'queue' && <AlertsBar summary={queueSummary} onOpenQueue={() => setScreen('queue')} />}
      <nav className="tabs" aria-label={t('nav.label')}>
        {SCREENS.map((name) => (
          <button key={name} type="button" className="tab" aria-current={screen === name ? 'page' : undefined} onClick={() => setScreen(name)}>
            {t(`nav.${name}`)}
          </button>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        {info && screen === 'home' && <HomeScreen info={info} queue={queueSummary} onOpen={setScreen} />}
        {screen === 'capture' && <CaptureScreen />}
        {screen === 'queue' && <QueueScreen training={training} />}
        {screen === 'status' && <StatusScreen health={health} />}
      </main>
    </div>
  );
}

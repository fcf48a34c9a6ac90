import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, Language } from '../shared/contract';
import { useConnection } from './api/connection-provider';
import { useClient } from './api/context';
import { AlertsBar } from './components/AlertsBar';
import { ErrorBanner } from './components/ErrorBanner';
import { LanguageSwitch } from './components/LanguageSwitch';
import { StatusStrip } from './components/StatusStrip';
import { CaptureScreen } from './screens/CaptureScreen';
import { HomeScreen } from './screens/HomeScreen';
import { QueueScreen } from './screens/QueueScreen';
import { StatusScreen } from './screens/StatusScreen';
import { useLive } from './state/live';
import { useAction } from './state/use-action';

const SCREENS = ['home', 'capture', 'queue', 'status'] as const;
type Screen = (typeof SCREENS)[number];

export function App() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const live = useLive();
  const connection = useConnection();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [screen, setScreen] = useState<Screen>('home');
  const loadInfo = useAction();
  const saveLanguage = useAction();
  const { run: runLoadInfo } = loadInfo;
  const { run: runSaveLanguage } = saveLanguage;

  const fetchInfo = useCallback(() => {
    void runLoadInfo(() => client.call('app.info', {})).then((outcome) => {
      if (!outcome.ok) return;
      setInfo(outcome.value);
      void i18n.changeLanguage(outcome.value.language);
    });
  }, [client, i18n, runLoadInfo]);
  useEffect(fetchInfo, [fetchInfo]);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t('app.name');
  }, [i18n.language, t]);

  const changeLanguage = useCallback(
    (language: Language) => {
      void i18n.changeLanguage(language);
      void runSaveLanguage(() => client.call('app.setLanguage', { language })).then((outcome) => outcome.ok && setInfo(outcome.value));
    },
    [client, i18n, runSaveLanguage],
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
      <ErrorBanner error={loadInfo.error} onRetry={fetchInfo} />
      <ErrorBanner error={saveLanguage.error} />
      {connection === 'connected' && <ErrorBanner error={live.error} onRetry={live.refresh} />}
      <StatusStrip snapshot={live.health} />
      {screen !== 'queue' && <AlertsBar summary={live.queue} onOpenQueue={() => setScreen('queue')} />}
      <nav className="tabs" aria-label={t('nav.label')}>
        {SCREENS.map((name) => (
          <button key={name} type="button" className="tab" aria-current={screen === name ? 'page' : undefined} onClick={() => setScreen(name)}>
            {t(`nav.${name}`)}
          </button>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        {info && screen === 'home' && <HomeScreen info={info} onOpen={setScreen} />}
        {screen === 'capture' && <CaptureScreen />}
        {screen === 'queue' && <QueueScreen training={training} />}
        {screen === 'status' && <StatusScreen />}
      </main>
    </div>
  );
}

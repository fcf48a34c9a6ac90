import '@fontsource/noto-sans-devanagari/400.css';
import '@fontsource/noto-sans-devanagari/700.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { connect } from './api/connect';
import { ClientContext } from './api/context';
import { ConnectionProvider } from './api/connection-provider';
import { i18n } from './i18n';
import { LiveProvider } from './state/live';

const root = createRoot(document.getElementById('root')!);
const connection = connect();

if ('error' in connection) {
  root.render(
    <I18nextProvider i18n={i18n}>
      <p className="banner banner-error" role="alert" lang="en">
        {i18n.t('connect.noToken', { lng: 'en' })}
      </p>
      <p className="banner banner-error" lang="hi">
        {i18n.t('connect.noToken', { lng: 'hi' })}
      </p>
    </I18nextProvider>,
  );
} else {
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ClientContext.Provider value={connection.client}>
          <ConnectionProvider onConnection={connection.onConnection}>
            <LiveProvider>
              <App />
            </LiveProvider>
          </ConnectionProvider>
        </ClientContext.Provider>
      </I18nextProvider>
    </StrictMode>,
  );
}

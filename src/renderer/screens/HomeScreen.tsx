import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../shared/contract';
import { useLive } from '../state/live';

interface Props {
  info: AppInfo;
  onOpen(screen: 'capture' | 'queue' | 'status'): void;
}

/** Where the desk starts: who we are, and one large button per job. */
export function HomeScreen({ info, onOpen }: Props) {
  const { t } = useTranslation();
  const { queue } = useLive();
  const { code, state } = info.hospital;
  const waiting = queue ? queue.counts.queued + queue.counts.sending : 0;
  const action = queue ? queue.counts['needs-action'] + queue.counts['cancelled-by-portal'] : 0;
  return (
    <section className="home" aria-labelledby="home-title">
      <h2 id="home-title">{t('home.welcome')}</h2>
      <p className="hospital-line">{code && state ? t('home.hospital', { code, state }) : t('home.hospitalNotSet')}</p>
      <div className="tiles">
        <button type="button" className="tile" onClick={() => onOpen('capture')}>
          {t('home.tiles.capture')}
        </button>
        <button type="button" className={`tile ${action > 0 ? 'tile-alert' : ''}`} data-testid="tile-queue" onClick={() => onOpen('queue')}>
          {t('home.tiles.queue', { waiting, action })}
        </button>
        <button type="button" className="tile" onClick={() => onOpen('status')}>
          {t('home.tiles.status')}
        </button>
      </div>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../shared/contract';

interface Props {
  info: AppInfo;
}

export function HomeScreen({ info }: Props) {
  const { t } = useTranslation();
  const { code, state } = info.hospital;
  return (
    <section className="home" aria-labelledby="home-title">
      <h2 id="home-title">{t('home.welcome')}</h2>
      <p className="hospital-line">{code && state ? t('home.hospital', { code, state }) : t('home.hospitalNotSet')}</p>
    </section>
  );
}

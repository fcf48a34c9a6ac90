import { useTranslation } from 'react-i18next';
import { useClient } from '../api/context';
import { DeviceLine } from '../components/DeviceLine';
import { ErrorBanner } from '../components/ErrorBanner';
import { translateMessage } from '../i18n';
import { useLive } from '../state/live';
import { useAction } from '../state/use-action';

/** Every link with what its check found, and the device section: RD services and USB devices. */
export function StatusScreen() {
  const { t } = useTranslation();
  const client = useClient();
  const { health, device } = useLive();
  const scan = useAction();
  // The new picture arrives as device.changed; the answer itself needs no handling here.
  const rescan = () => void scan.run(() => client.call('device.scan', {}));

  return (
    <section className="status-screen" aria-labelledby="status-title">
      <h2 id="status-title">{t('health.title')}</h2>
      <ul className="link-list">
        {health?.links.map((link) => (
          <li key={link.id} className={`link link-${link.status}`} data-link={link.id}>
            <strong>{t(`health.link.${link.id}`)}</strong> <span className="link-status">{t(`health.status.${link.status}`)}</span>
            <span className="link-message">{translateMessage(t, link.messageKey, link.params)}</span>
          </li>
        ))}
      </ul>

      <section className="device-section" aria-labelledby="device-title" data-testid="device-section">
        <h3 id="device-title">{t('device.title')}</h3>
        <p className={`diagnosis diagnosis-${device?.diagnosis ?? 'unknown'}`} role="status" data-diagnosis={device?.diagnosis ?? 'unknown'}>
          {device ? translateMessage(t, device.message.key, device.message.params) : t('device.diagnosis.unknown')}
        </p>
        <DeviceLine status={device} device={device?.selected?.device ?? null} />
        <h4>{t('device.services')}</h4>
        {device && device.services.length > 0 ? (
          <ul>
            {device.services.map((s) => (
              <li key={s.port} data-port={s.port}>
                {t('device.service', { port: s.port, scheme: s.scheme, status: t(`device.status.${s.status}`), info: s.info })}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('device.noServices')}</p>
        )}
        <h4>{t('device.usb')}</h4>
        {!device?.usb.available ? (
          <p>{t('device.usbUnavailable', { reason: device?.usb.reason ?? '' })}</p>
        ) : device.usb.devices.length === 0 ? (
          <p>{t('device.usbNone')}</p>
        ) : (
          <ul>
            {device.usb.devices.map((d) => (
              <li key={d.key}>
                {d.vendor} {d.model} ({d.source} {d.vid}:{d.pid})
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={rescan} disabled={scan.busy}>
          {t('device.scan')}
        </button>
        <ErrorBanner error={scan.error} />
      </section>
    </section>
  );
}

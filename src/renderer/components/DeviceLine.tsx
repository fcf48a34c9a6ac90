import { useTranslation } from 'react-i18next';
import type { DeviceStatus, RdDeviceInfo } from '../../shared/contract';
import { translateMessage } from '../i18n';

interface Props {
  status: DeviceStatus | null;
  device: RdDeviceInfo | null;
}

/** Model, serial, RD service version and the device certificate's state, in one line. */
export function DeviceLine({ status, device }: Props) {
  const { t, i18n } = useTranslation();
  if (!device) {
    return (
      <p className="device-line device-missing" data-testid="device-line">
        {status ? translateMessage(t, status.message.key, status.message.params) : t('device.diagnosis.unknown')}
      </p>
    );
  }
  const cert = device.certificate;
  const certText = !cert
    ? t('capture.certificate.none')
    : cert.state === 'valid'
      ? t('capture.certificate.valid', { date: cert.validTo ? new Date(cert.validTo).toLocaleDateString(i18n.language === 'hi' ? 'hi-IN' : 'en-IN') : '' })
      : t(`capture.certificate.${cert.state}`, { days: cert.daysLeft ?? 0 });
  return (
    <p className="device-line" data-testid="device-line">
      <span>{t('capture.device', { model: device.model || '?', serial: device.serial || '?', version: device.serviceVersion || '?' })}</span>
      <span className={`cert cert-${cert?.state ?? 'none'}`}>{certText}</span>
      {device.emulated && <span className="emulated">{t('capture.emulated')}</span>}
    </p>
  );
}

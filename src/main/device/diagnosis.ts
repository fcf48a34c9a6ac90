import type { Message } from '../../shared/contract/common';
import { message } from '../base/message';
import type { DeviceDiagnosis, RdDeviceInfo, RdServiceEntry } from '../../shared/contract/device';
import type { LinkFinding } from '../health/monitor';
import { pickService } from './rd/discovery';
import type { PresenceSnapshot } from './usb/watcher';

export interface Diagnosis {
  diagnosis: DeviceDiagnosis;
  message: Message;
  scanner: LinkFinding;
  rdService: LinkFinding;
}


/**
 * Name the broken link between the finger and the RD service: not plugged, plugged but no
 * service, service running but the device NOTREADY, device held by another program. USB presence
 * decides where it can see the bus; where it cannot (vendor-class devices, no libusb), the RD
 * service's own status is all there is.
 */
export function diagnose(usb: PresenceSnapshot, services: RdServiceEntry[], device: RdDeviceInfo | null): Diagnosis {
  const scannerOnBus = usb.devices.some((d) => d.kind === 'fingerprint' || d.kind === 'iris');
  const seenModel = usb.devices.find((d) => d.kind === 'fingerprint' || d.kind === 'iris')?.model ?? '';
  // Judge the service captures go to (and whose device we read), never a READY one that cannot capture.
  const selected = pickService(services);
  const ready = selected?.status === 'READY' ? selected : undefined;
  const used = selected?.status === 'USED' ? selected : undefined;
  const notReady = selected?.status === 'NOTREADY' ? selected : undefined;

  if (ready) {
    const model = device?.model || seenModel;
    const cert = device?.certificate;
    let scanner: LinkFinding = { status: 'ok', messageKey: 'health.message.scannerReady', params: { model } };
    if (cert?.state === 'expired') scanner = { status: 'down', messageKey: 'health.message.certificateExpired', params: { model } };
    else if (cert?.state === 'expiring') scanner = { status: 'warn', messageKey: 'health.message.certificateExpiring', params: { model, days: cert.daysLeft ?? 0 } };
    return {
      diagnosis: 'ready',
      message: message('device.diagnosis.ready', { model }),
      scanner,
      rdService: { status: 'ok', messageKey: 'health.message.rdReady', params: { port: ready.port } },
    };
  }
  if (used) {
    return {
      diagnosis: 'in-use',
      message: message('device.diagnosis.in-use'),
      scanner: { status: 'warn', messageKey: 'health.message.scannerInUse' },
      rdService: { status: 'ok', messageKey: 'health.message.rdRunning', params: { port: used.port } },
    };
  }
  if (notReady) {
    if (usb.available && !scannerOnBus) {
      return {
        diagnosis: 'not-plugged',
        message: message('device.diagnosis.not-plugged'),
        scanner: { status: 'down', messageKey: 'health.message.scannerNotPlugged' },
        rdService: { status: 'ok', messageKey: 'health.message.rdWaiting', params: { port: notReady.port } },
      };
    }
    return {
      diagnosis: 'not-ready',
      message: message('device.diagnosis.not-ready'),
      scanner: { status: 'down', messageKey: 'health.message.scannerNotReady' },
      rdService: { status: 'warn', messageKey: 'health.message.rdNotReady', params: { port: notReady.port } },
    };
  }
  // No RD service answered.
  if (usb.available && !scannerOnBus) {
    return {
      diagnosis: 'not-plugged',
      message: message('device.diagnosis.not-plugged-no-service'),
      scanner: { status: 'down', messageKey: 'health.message.scannerNotPlugged' },
      rdService: { status: 'down', messageKey: 'health.message.rdNotFound' },
    };
  }
  if (scannerOnBus) {
    return {
      diagnosis: 'no-service',
      message: message('device.diagnosis.no-service', { model: seenModel }),
      scanner: { status: 'ok', messageKey: 'health.message.scannerPlugged', params: { model: seenModel } },
      rdService: { status: 'down', messageKey: 'health.message.rdNotFound' },
    };
  }
  return {
    diagnosis: 'no-service',
    message: message('device.diagnosis.no-service-unknown'),
    scanner: { status: 'unknown', messageKey: 'health.message.scannerUnseen' },
    rdService: { status: 'down', messageKey: 'health.message.rdNotFound' },
  };
}

import { describe, expect, it } from 'vitest';
import type { RdServiceEntry } from '../../src/shared/contract/device';
import { diagnose } from '../../src/main/device/diagnosis';
import type { PresenceSnapshot } from '../../src/main/device/usb/watcher';

const service = (status: RdServiceEntry['status']): RdServiceEntry => ({ port: 11100, scheme: 'http', status, info: 'x', captureUrl: 'http://127.0.0.1:11100/rd/capture', deviceInfoUrl: null });
const bus = (devices: PresenceSnapshot['devices'], available = true): PresenceSnapshot => ({ available, reason: available ? null : 'no libusb', devices });

describe('naming the broken link', () => {
  const plugged = bus([{ key: 'k', source: 'usb', vid: '2c0f', pid: '1005', vendor: 'Mantra', model: 'MFS100', kind: 'fingerprint', path: null }]);

  it('scanner not plugged: the bus is visible and shows no scanner', () => {
    expect(diagnose(bus([]), [], null)).toMatchObject({ diagnosis: 'not-plugged', scanner: { status: 'down', messageKey: 'health.message.scannerNotPlugged' }, rdService: { status: 'down' } });
    expect(diagnose(bus([]), [service('NOTREADY')], null)).toMatchObject({ diagnosis: 'not-plugged', rdService: { status: 'ok', messageKey: 'health.message.rdWaiting' } });
  });

  it('scanner plugged but RD service not running', () => {
    expect(diagnose(plugged, [], null)).toMatchObject({ diagnosis: 'no-service', message: { params: { model: 'MFS100' } }, scanner: { status: 'ok' }, rdService: { status: 'down', messageKey: 'health.message.rdNotFound' } });
  });

  it('RD service running, device NOTREADY', () => {
    expect(diagnose(plugged, [service('NOTREADY')], null)).toMatchObject({ diagnosis: 'not-ready', scanner: { status: 'down' }, rdService: { status: 'warn', messageKey: 'health.message.rdNotReady' } });
    // Without a visible bus the RD service's word is all there is.
    expect(diagnose(bus([], false), [service('NOTREADY')], null).diagnosis).toBe('not-ready');
  });

  it('held by another program, and ready', () => {
    expect(diagnose(plugged, [service('USED')], null).diagnosis).toBe('in-use');
    expect(diagnose(bus([], false), [service('READY')], null)).toMatchObject({ diagnosis: 'ready', scanner: { status: 'ok' }, rdService: { status: 'ok' } });
  });

  it('no bus and no service: says what it knows and no more', () => {
    expect(diagnose(bus([], false), [], null)).toMatchObject({ diagnosis: 'no-service', scanner: { status: 'unknown' }, message: { key: 'device.diagnosis.no-service-unknown' } });
  });

  it('an expiring or expired device certificate shows on the scanner link', () => {
    const device = (state: 'expiring' | 'expired') => ({ provider: '', serviceId: '', serviceVersion: '', deviceCode: '', model: 'MFS100', serial: '', emulated: false, certificate: { state, validFrom: null, validTo: null, daysLeft: 12 } });
    expect(diagnose(plugged, [service('READY')], device('expiring')).scanner).toEqual({ status: 'warn', messageKey: 'health.message.certificateExpiring', params: { model: 'MFS100', days: 12 } });
    expect(diagnose(plugged, [service('READY')], device('expired')).scanner.status).toBe('down');
  });
});

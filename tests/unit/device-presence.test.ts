import { describe, expect, it } from 'vitest';
import type { RdServiceEntry } from '../../src/shared/contract/device';
import { loadCatalogue } from '../../src/main/device/catalogue';
import { diagnose } from '../../src/main/device/diagnosis';
import type { PresenceSource, RawDevice, SourceListing } from '../../src/main/device/usb/sources';
import { PresenceWatcher, type PresenceEvent, type PresenceSnapshot } from '../../src/main/device/usb/watcher';
import { silentLogger } from '../../src/main/logging/logger';
import { appPaths } from '../support/paths';

const catalogue = loadCatalogue(appPaths.resourcesDir);
const MFS100: RawDevice = { source: 'usb', vid: 0x2c0f, pid: 0x1005, path: null, serialNumber: '2212345' };
const KEYBOARD: RawDevice = { source: 'usb', vid: 0x046d, pid: 0xc31c, path: null, serialNumber: null };

/** A source whose listing the test sets by hand. */
function manualSource(name: RawDevice['source'], listing: SourceListing): PresenceSource & { set(l: SourceListing): void } {
  let current = listing;
  return { name, list: async () => current, set: (l) => (current = l) };
}

const service = (status: RdServiceEntry['status']): RdServiceEntry => ({ port: 11100, scheme: 'http', status, info: 'x', captureUrl: 'http://127.0.0.1:11100/rd/capture', deviceInfoUrl: null });
const bus = (devices: PresenceSnapshot['devices'], available = true): PresenceSnapshot => ({ available, reason: available ? null : 'no libusb', devices });

describe('USB presence watcher', () => {
  it('emits attach and detach for catalogue devices only', async () => {
    const usb = manualSource('usb', { available: true, reason: null, devices: [KEYBOARD] });
    const watcher = new PresenceWatcher([usb], catalogue, 60_000, silentLogger);
    const events: PresenceEvent[] = [];
    watcher.onEvent((e) => events.push(e));
    await watcher.poll();
    expect(events).toEqual([]);
    usb.set({ available: true, reason: null, devices: [KEYBOARD, MFS100] });
    const snapshot = await watcher.poll();
    expect(snapshot.devices).toEqual([expect.objectContaining({ vendor: 'Mantra', model: 'MFS100', vid: '2c0f', pid: '1005', kind: 'fingerprint', source: 'usb' })]);
    expect(events.map((e) => `${e.type} ${e.device.model}`)).toEqual(['attach MFS100']);
    await watcher.poll();
    expect(events).toHaveLength(1);
    usb.set({ available: true, reason: null, devices: [] });
    await watcher.poll();
    expect(events.map((e) => `${e.type} ${e.device.model}`)).toEqual(['attach MFS100', 'detach MFS100']);
  });

  it('a HID-only view can prove a scanner present but never absent', async () => {
    const usb = manualSource('usb', { available: false, reason: 'libusb-1.0.so.0: cannot open', devices: [] });
    const hid = manualSource('hid', { available: true, reason: null, devices: [] });
    const watcher = new PresenceWatcher([usb, hid], catalogue, 60_000, silentLogger);
    const snapshot = await watcher.poll();
    expect(snapshot).toMatchObject({ available: false, reason: 'libusb-1.0.so.0: cannot open', devices: [] });
  });

  it('lists serial-mode devices from the catalogue in the same view', async () => {
    const serial = manualSource('serial', { available: true, reason: null, devices: [{ source: 'serial', vid: 0x05e0, pid: 0x1701, path: '/dev/ttyACM0', serialNumber: null }] });
    const usb = manualSource('usb', { available: true, reason: null, devices: [MFS100] });
    const watcher = new PresenceWatcher([usb, serial], catalogue, 60_000, silentLogger);
    const snapshot = await watcher.poll();
    expect(snapshot.devices.map((d) => `${d.source} ${d.kind} ${d.path ?? ''}`.trim()).sort()).toEqual(['serial barcode /dev/ttyACM0', 'usb fingerprint']);
  });

  it('the real sources load or report why not, without throwing', async () => {
    const { defaultSources } = await import('../../src/main/device/usb/sources');
    for (const source of defaultSources()) {
      const listing = await source.list();
      expect(typeof listing.available).toBe('boolean');
      if (!listing.available) expect(listing.reason).toBeTruthy();
    }
  });
});

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

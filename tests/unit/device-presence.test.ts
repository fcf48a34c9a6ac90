import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/main/device/catalogue';
import type { PresenceSource, RawDevice, SourceListing } from '../../src/main/device/usb/sources';
import { PresenceWatcher, type PresenceEvent } from '../../src/main/device/usb/watcher';
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

/**
 * Where USB presence comes from. Each source loads its native module lazily and reports
 * "unavailable" with a reason instead of throwing: a kiosk without libusb, or a machine without a
 * USB bus, must still start and fall back to what the RD service reports.
 */
export interface RawDevice {
  source: 'usb' | 'hid' | 'serial';
  vid: number;
  pid: number;
  path: string | null;
  serialNumber: string | null;
}

export interface SourceListing {
  available: boolean;
  reason: string | null;
  devices: RawDevice[];
}

export interface PresenceSource {
  name: RawDevice['source'];
  list(): Promise<SourceListing>;
  /** Hotplug notifications, where the source has them; returns an undo. */
  watch?(onChange: () => void): () => void;
}

const unavailable = (error: unknown): SourceListing => ({ available: false, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error), devices: [] });

/** libusb through the `usb` package (WebUSB API): sees vendor-class scanners, and has hotplug. */
export function usbSource(): PresenceSource {
  return {
    name: 'usb',
    async list() {
      try {
        const { usb } = await import('usb');
        const devices = await usb.getDevices();
        return {
          available: true,
          reason: null,
          devices: devices.map((d) => ({ source: 'usb' as const, vid: d.vendorId, pid: d.productId, path: null, serialNumber: d.serialNumber ?? null })),
        };
      } catch (error) {
        return unavailable(error);
      }
    },
    watch(onChange) {
      // The package turns hotplug failures into uncaught exceptions (it rethrows from a timer), so
      // subscribe only where listing already works, i.e. where a USB bus and libusb exist.
      let undo = () => {};
      let stopped = false;
      void this.list().then(async (listing) => {
        if (!listing.available || stopped) return;
        const { usb } = await import('usb');
        usb.addEventListener('connect', onChange);
        usb.addEventListener('disconnect', onChange);
        undo = () => {
          usb.removeEventListener('connect', onChange);
          usb.removeEventListener('disconnect', onChange);
        };
      });
      return () => {
        stopped = true;
        undo();
      };
    },
  };
}

/** hidapi through node-hid: HID-class devices only (HID barcode scanners, a few fingerprint readers). */
export function hidSource(): PresenceSource {
  return {
    name: 'hid',
    async list() {
      try {
        const HID = await import('node-hid');
        const devices = await HID.devicesAsync();
        return {
          available: true,
          reason: null,
          devices: devices.map((d) => ({ source: 'hid' as const, vid: d.vendorId, pid: d.productId, path: d.path ?? null, serialNumber: d.serialNumber ?? null })),
        };
      } catch (error) {
        return unavailable(error);
      }
    },
  };
}

/** serialport: serial and virtual-COM devices (barcode/QR scanners in serial mode). */
export function serialSource(): PresenceSource {
  return {
    name: 'serial',
    async list() {
      try {
        const { SerialPort } = await import('serialport');
        const ports = await SerialPort.list();
        return {
          available: true,
          reason: null,
          devices: ports
            .filter((p) => p.vendorId && p.productId)
            .map((p) => ({ source: 'serial' as const, vid: parseInt(p.vendorId!, 16), pid: parseInt(p.productId!, 16), path: p.path, serialNumber: p.serialNumber ?? null })),
        };
      } catch (error) {
        return unavailable(error);
      }
    },
  };
}

export function defaultSources(): PresenceSource[] {
  return [usbSource(), hidSource(), serialSource()];
}

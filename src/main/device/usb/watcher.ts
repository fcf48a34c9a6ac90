import type { PresentDevice } from '../../../shared/contract/device';
import { Scheduler, type Task } from '../../base/scheduler';
import type { Logger } from '../../logging/logger';
import { findModel, type Catalogue } from '../catalogue';
import type { PresenceSource, RawDevice } from './sources';

export interface PresenceSnapshot {
  /** libusb could list the bus, so absence of a scanner means it is not plugged in. */
  available: boolean;
  reason: string | null;
  devices: PresentDevice[];
}

export type PresenceEvent = { type: 'attach' | 'detach'; device: PresentDevice };

const hex = (n: number) => n.toString(16).padStart(4, '0');

function toPresent(raw: RawDevice, catalogue: Catalogue): PresentDevice | null {
  const model = findModel(catalogue, raw.vid, raw.pid);
  if (!model) return null;
  const where = raw.path ?? raw.serialNumber ?? '';
  return { key: `${raw.source}:${hex(raw.vid)}:${hex(raw.pid)}:${where}`, source: raw.source, vid: hex(raw.vid), pid: hex(raw.pid), vendor: model.vendor, model: model.model, kind: model.kind, path: raw.path };
}

/**
 * Polls every source (and listens for USB hotplug where available) and reports catalogue devices
 * appearing and disappearing. node-hid has no hotplug event, hence the poll.
 */
export class PresenceWatcher {
  private current: PresenceSnapshot = { available: false, reason: 'not checked yet', devices: [] };
  private readonly listeners = new Set<(event: PresenceEvent) => void>();
  private pollTask: Task | undefined;
  private unwatch: (() => void)[] = [];
  private polling: Promise<PresenceSnapshot> | null = null;

  constructor(
    private readonly sources: PresenceSource[],
    private readonly catalogue: Catalogue,
    private readonly intervalMs: number,
    private readonly log: Logger,
    /** Runs the poll timer and hotplug callbacks; none can throw out of the process. */
    private readonly scheduler: Scheduler = new Scheduler((task, error) => log.error(`${task} failed`, error)),
  ) {}

  snapshot(): PresenceSnapshot {
    return this.current;
  }

  onEvent(listener: (event: PresenceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.pollTask) return;
    this.pollTask = this.scheduler.repeat('USB presence poll', this.intervalMs, () => this.poll(), { firstAfterMs: 0 });
    for (const source of this.sources) if (source.watch) this.unwatch.push(source.watch(this.scheduler.guard('USB hotplug', () => this.poll())));
  }

  stop(): void {
    this.pollTask?.cancel();
    this.pollTask = undefined;
    for (const undo of this.unwatch.splice(0)) undo();
  }

  /** List every source once and emit the differences; concurrent callers share one poll. */
  poll(): Promise<PresenceSnapshot> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<PresenceSnapshot> {
    const listings = await Promise.all(this.sources.map(async (source) => ({ source, listing: await source.list() })));
    // Only libusb sees every device class: hidapi misses vendor-class scanners, so a HID-only view
    // can prove a scanner present but never absent.
    const usb = listings.find(({ source }) => source.name === 'usb')?.listing;
    const available = usb?.available ?? false;
    const reason = available ? null : (usb?.reason ?? 'no libusb source');
    const devices = new Map<string, PresentDevice>();
    for (const { listing } of listings) {
      for (const raw of listing.devices) {
        const present = toPresent(raw, this.catalogue);
        if (present) devices.set(present.key, present);
      }
    }
    const before = new Map(this.current.devices.map((d) => [d.key, d]));
    this.current = { available, reason, devices: [...devices.values()] };
    for (const [key, device] of devices) if (!before.has(key)) this.emit({ type: 'attach', device });
    for (const [key, device] of before) if (!devices.has(key)) this.emit({ type: 'detach', device });
    return this.current;
  }

  private emit(event: PresenceEvent): void {
    this.log.info(`${event.type}: ${event.device.vendor} ${event.device.model} (${event.device.source} ${event.device.vid}:${event.device.pid})`);
    for (const listener of this.listeners) listener(event);
  }
}

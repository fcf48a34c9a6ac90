import type { AttemptRecord, DeviceStatus, RdDeviceInfo, RdServiceEntry } from '../../shared/contract/device';
import { systemClock, type Clock } from '../base/clock';
import { Scheduler, type Task } from '../base/scheduler';
import type { EventHub } from '../contract/events';
import type { HealthMonitor } from '../health/monitor';
import type { Logger } from '../logging/logger';
import { CaptureSessions, type CaptureSettings } from './capture/sessions';
import type { Catalogue } from './catalogue';
import { diagnose } from './diagnosis';
import type { RdClient } from './rd/client';
import { discover, pickService, type DiscoveryOptions } from './rd/discovery';
import type { PresenceWatcher } from './usb/watcher';

export interface DeviceServiceDeps {
  discovery: DiscoveryOptions;
  client: RdClient;
  presence: PresenceWatcher;
  catalogue: Catalogue;
  capture: CaptureSettings;
  health: HealthMonitor;
  events: EventHub;
  log: Logger;
  /** Rescan this often (skipped while a capture runs: some services serve one request at a time). */
  rescanMs: number;
  pidHoldMs: number;
  recordAttempt?: (sessionId: string, attempt: AttemptRecord) => void;
  /** Runs the rescan timer and the USB event callback; none can throw out of the process. */
  scheduler?: Scheduler;
  now?: Clock;
}

/**
 * The device side of the desk: which RD services answer, what device each reports, what is on
 * the USB bus, and so which link is broken. Publishes the picture to the health strip and as
 * `device.changed`; runs capture sessions against the selected service.
 */
export class DeviceService {
  readonly sessions: CaptureSessions;
  private current: DeviceStatus;
  private selected: { service: RdServiceEntry; device: RdDeviceInfo | null } | null = null;
  private rescanTask: Task | undefined;
  private scanning: Promise<DeviceStatus> | null = null;
  private capturing = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: DeviceServiceDeps) {
    this.current = {
      services: [],
      selected: null,
      usb: { available: false, reason: 'not checked yet', devices: [] },
      diagnosis: 'unknown',
      message: { key: 'device.diagnosis.unknown', params: {} },
      scannedAt: null,
    };
    this.sessions = new CaptureSessions({
      client: deps.client,
      settings: deps.capture,
      target: () => this.selected,
      noTargetReason: () => (this.current.diagnosis === 'unknown' ? { key: 'capture.error.noService', params: {} } : this.current.message),
      catalogueThreshold: (model) => deps.catalogue.devices.find((d) => d.model === model)?.qualityThreshold,
      log: deps.log.scope('capture'),
      holdMs: deps.pidHoldMs,
      now: deps.now,
      recordAttempt: deps.recordAttempt,
    });
  }

  status(): DeviceStatus {
    return this.current;
  }

  start(): void {
    const scheduler = this.deps.scheduler ?? new Scheduler((task, error) => this.deps.log.error(`${task} failed`, error));
    this.unsubscribe = this.deps.presence.onEvent(scheduler.guard('rescan on USB change', () => this.scan()));
    this.deps.presence.start();
    this.rescanTask = scheduler.repeat('scanner rescan', this.deps.rescanMs, () => (this.capturing > 0 ? undefined : this.scan()), { firstAfterMs: 0 });
  }

  stop(): void {
    this.rescanTask?.cancel();
    this.unsubscribe?.();
    this.deps.presence.stop();
  }

  /** Discover services and read the selected one's device; concurrent callers share one scan. */
  scan(): Promise<DeviceStatus> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  /** Wrap a capture so periodic scans stay off the service meanwhile. */
  async whileCapturing<T>(run: () => Promise<T>): Promise<T> {
    this.capturing++;
    try {
      return await run();
    } finally {
      this.capturing--;
    }
  }

  private async scanOnce(): Promise<DeviceStatus> {
    const [services, usb] = await Promise.all([discover(this.deps.discovery), this.deps.presence.poll()]);
    const service = pickService(services);
    let device: RdDeviceInfo | null = null;
    if (service && service.status !== 'NOTREADY' && service.deviceInfoUrl) {
      try {
        device = await this.deps.client.deviceInfo(service);
      } catch (error) {
        this.deps.log.warn(`DEVICEINFO failed on port ${service.port}`, error instanceof Error ? error.message : error);
      }
    }
    // Capture goes to the best service even when it is not READY: its own errCode (710, 720) is
    // the most precise word on what is wrong.
    this.selected = service ? { service, device } : null;
    const found = diagnose(usb, services, device);
    this.deps.health.report('scanner', found.scanner);
    this.deps.health.report('rdService', found.rdService);
    const next: DeviceStatus = {
      services,
      selected: service ? { service, device } : null,
      usb: { available: usb.available, reason: usb.reason, devices: usb.devices },
      diagnosis: found.diagnosis,
      message: found.message,
      scannedAt: ((this.deps.now ?? systemClock)()).toISOString(),
    };
    const changed = JSON.stringify({ ...next, scannedAt: null }) !== JSON.stringify({ ...this.current, scannedAt: null });
    if (changed && next.diagnosis !== this.current.diagnosis) this.deps.log.info(`device: ${this.current.diagnosis} -> ${next.diagnosis}`);
    this.current = next;
    if (changed) this.deps.events.emit('device.changed', next);
    return next;
  }
}

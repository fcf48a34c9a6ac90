import type { Mode } from '../../shared/contract/app';
import type { AttemptRecord } from '../../shared/contract/device';
import type { Settings } from '../config/settings';
import type { EventHub } from '../contract/events';
import type { Handlers } from '../contract/dispatch';
import type { HealthMonitor } from '../health/monitor';
import type { Logger } from '../logging/logger';
import type { Scheduler } from '../base/scheduler';
import { loadCatalogue } from './catalogue';
import { DeviceService } from './device-service';
import { startRdEmulator, type RdEmulator } from './emulator/server';
import type { EmulatorScriptInput } from './emulator/script';
import { RdClient, DEFAULT_CLIENT_OPTIONS } from './rd/client';
import { parsePorts, type DiscoveryOptions } from './rd/discovery';
import { defaultSources, type PresenceSource } from './usb/sources';
import { PresenceWatcher } from './usb/watcher';

/** What the training scanner does unless settings say otherwise: one faint print, then a good one. */
export const TRAINING_SCRIPT: EmulatorScriptInput = {
  captures: [
    { qScore: 24, nmPoints: 12 },
    { qScore: 68, nmPoints: 39 },
  ],
  repeat: 'cycle',
};

export interface DevicesOptions {
  settings: Settings;
  mode: Mode;
  resourcesDir: string;
  health: HealthMonitor;
  events: EventHub;
  log: Logger;
  sources?: PresenceSource[];
  /** Keep each capture attempt (never the PID block) in the attempt history. */
  recordAttempt?: (sessionId: string, attempt: AttemptRecord) => void;
  /** The app's guarded scheduler for timers and event callbacks. */
  scheduler?: Scheduler;
}

export interface RunningDevices {
  service: DeviceService;
  emulator: RdEmulator | null;
  handlers: Pick<Handlers, 'device.scan' | 'device.status' | 'device.captureStart' | 'device.capture'>;
  stop(): Promise<void>;
}

/**
 * Start the device side. In training mode the app runs its own emulated RD service on a free
 * loopback port and looks only there, so a real scanner on the desk never mixes into practice.
 */
export async function startDevices({ settings, mode, resourcesDir, health, events, log, sources, recordAttempt, scheduler }: DevicesOptions): Promise<RunningDevices> {
  const catalogue = loadCatalogue(resourcesDir);
  let emulator: RdEmulator | null = null;
  let discovery: DiscoveryOptions = {
    host: settings.rd.host,
    ports: parsePorts(settings.rd.ports),
    schemes: settings.rd.schemes,
    timeoutMs: settings.rd.probeTimeoutMs,
  };
  if (mode === 'training') {
    const script = (settings.training.rdScript as EmulatorScriptInput | undefined) ?? TRAINING_SCRIPT;
    emulator = await startRdEmulator({ port: 0, profile: settings.training.rdProfile, script, log: log.scope('emulator') });
    discovery = { host: '127.0.0.1', ports: [emulator.port], schemes: [emulator.scheme], timeoutMs: settings.rd.probeTimeoutMs };
  }
  const presence = new PresenceWatcher(sources ?? defaultSources(), catalogue, settings.usb.pollMs, log.scope('usb'), scheduler);
  const service = new DeviceService({
    ...(scheduler ? { scheduler } : {}),
    discovery,
    client: new RdClient(DEFAULT_CLIENT_OPTIONS),
    presence,
    catalogue,
    capture: settings.capture,
    health,
    events,
    log: log.scope('device'),
    rescanMs: settings.rd.rescanMs,
    pidHoldMs: settings.capture.pidHoldMinutes * 60_000,
    ...(recordAttempt ? { recordAttempt } : {}),
  });
  service.start();

  return {
    service,
    emulator,
    handlers: {
      'device.scan': () => service.scan(),
      'device.status': () => service.status(),
      'device.captureStart': ({ finger }) => service.sessions.start(finger),
      'device.capture': ({ sessionId, finger }) => service.whileCapturing(() => service.sessions.capture(sessionId, finger)),
    },
    stop: async () => {
      service.stop();
      await emulator?.close();
    },
  };
}

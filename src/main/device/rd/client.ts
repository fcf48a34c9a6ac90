import type { RdDeviceInfo, RdServiceEntry } from '../../../shared/contract/device';
import { systemClock, type Clock } from '../../base/clock';
import { MitraError } from '../../../shared/errors';
import { parseDeviceInfo } from './device-info';
import { parsePidData, PID_LIMIT_BYTES, type CaptureAnswer } from './pid-data';
import { toPidOptionsXml, type PidOptions } from './pid-options';
import { rdRequest } from './transport';

export interface RdClientOptions {
  /** DEVICEINFO is quick; allow this long. */
  infoTimeoutMs: number;
  /** Added to the capture's own timeout: the service answers only after it gives up waiting. */
  captureGraceMs: number;
  now?: Clock;
}

export const DEFAULT_CLIENT_OPTIONS: RdClientOptions = { infoTimeoutMs: 5_000, captureGraceMs: 5_000 };

/** DEVICEINFO and CAPTURE against one discovered service. */
export class RdClient {
  constructor(private readonly options: RdClientOptions = DEFAULT_CLIENT_OPTIONS) {}

  async deviceInfo(service: Pick<RdServiceEntry, 'deviceInfoUrl'>): Promise<RdDeviceInfo> {
    if (!service.deviceInfoUrl) throw new MitraError('rd_no_deviceinfo', 'this RD service offers no DEVICEINFO interface', { messageKey: 'rd.transport.noInterface' });
    const xml = await rdRequest({ url: service.deviceInfoUrl, method: 'DEVICEINFO', timeoutMs: this.options.infoTimeoutMs, maxBytes: 256 * 1024 });
    return parseDeviceInfo(xml, this.now());
  }

  /** One CAPTURE. Resolves with the answer for any errCode; rejects only when no answer could be read. */
  async capture(service: Pick<RdServiceEntry, 'captureUrl'>, options: PidOptions): Promise<CaptureAnswer> {
    if (!service.captureUrl) throw new MitraError('rd_no_capture', 'this RD service offers no CAPTURE interface', { messageKey: 'rd.transport.noInterface' });
    const xml = await rdRequest({
      url: service.captureUrl,
      method: 'CAPTURE',
      body: toPidOptionsXml(options),
      timeoutMs: options.timeoutMs + this.options.captureGraceMs,
      maxBytes: PID_LIMIT_BYTES,
    });
    return parsePidData(xml, this.now());
  }

  private now(): Date {
    return (this.options.now ?? systemClock)();
  }
}

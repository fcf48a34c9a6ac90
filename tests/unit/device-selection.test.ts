import { describe, expect, it } from 'vitest';
import type { RdServiceEntry } from '../../src/shared/contract/device';
import { diagnose } from '../../src/main/device/diagnosis';
import { compareServices, pickService } from '../../src/main/device/rd/discovery';

const entry = (port: number, status: RdServiceEntry['status'], canCapture: boolean): RdServiceEntry => ({
  port,
  scheme: 'http',
  status,
  info: 'x',
  captureUrl: canCapture ? `http://127.0.0.1:${port}/rd/capture` : null,
  deviceInfoUrl: `http://127.0.0.1:${port}/rd/info`,
});
const noBus = { available: false, reason: 'no libusb', devices: [] };

describe('which RD service captures go to', () => {
  it('puts a READY service that can capture first, whatever the ports', () => {
    const services = [entry(11100, 'READY', false), entry(11101, 'NOTREADY', true), entry(11102, 'USED', true), entry(11103, 'READY', true)];
    expect([...services].sort(compareServices).map((s) => s.port)).toEqual([11103, 11102, 11101, 11100]);
    expect(pickService(services)?.port).toBe(11103);
    expect(pickService([])).toBeNull();
  });

  it('diagnoses the service it picks, not a READY one that cannot capture', () => {
    const ready = diagnose(noBus, [entry(11100, 'READY', false), entry(11101, 'READY', true)], null);
    expect(ready).toMatchObject({ diagnosis: 'ready', rdService: { params: { port: 11101 } } });
    // A USED service that can capture says more (710: close the other program) than one that cannot.
    expect(diagnose(noBus, [entry(11100, 'READY', false), entry(11101, 'USED', true)], null).diagnosis).toBe('in-use');
    // Alone, a READY service without capture is still what there is.
    expect(diagnose(noBus, [entry(11100, 'READY', false)], null)).toMatchObject({ diagnosis: 'ready', rdService: { params: { port: 11100 } } });
  });
});

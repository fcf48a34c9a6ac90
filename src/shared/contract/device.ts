import { z } from 'zod';
import { Message } from './common';

/** Finger positions as the RD service's `posh` attribute spells them. */
export const Finger = z.enum([
  'RIGHT_THUMB',
  'LEFT_THUMB',
  'RIGHT_INDEX',
  'LEFT_INDEX',
  'RIGHT_MIDDLE',
  'LEFT_MIDDLE',
  'RIGHT_RING',
  'LEFT_RING',
  'RIGHT_LITTLE',
  'LEFT_LITTLE',
]);
export type Finger = z.infer<typeof Finger>;

export const RdStatus = z.enum(['READY', 'NOTREADY', 'USED']);
export type RdStatus = z.infer<typeof RdStatus>;

export const RdScheme = z.enum(['http', 'https']);
export type RdScheme = z.infer<typeof RdScheme>;

/** One RD service found by discovery, with its interfaces normalised to loopback URLs. */
export const RdServiceEntry = z.object({
  port: z.int(),
  scheme: RdScheme,
  status: RdStatus,
  info: z.string(),
  captureUrl: z.string().nullable(),
  deviceInfoUrl: z.string().nullable(),
  /** An interface was not declared, so the vendor's default path is used: a 404 there points here. */
  pathsAssumed: z.boolean().optional(),
});
export type RdServiceEntry = z.infer<typeof RdServiceEntry>;

export const CertificateState = z.enum(['valid', 'expiring', 'expired', 'not-yet-valid', 'unreadable']);
export type CertificateState = z.infer<typeof CertificateState>;

export const DeviceCertificate = z.object({
  state: CertificateState,
  validFrom: z.iso.datetime().nullable(),
  validTo: z.iso.datetime().nullable(),
  daysLeft: z.int().nullable(),
});
export type DeviceCertificate = z.infer<typeof DeviceCertificate>;

/** What DEVICEINFO says about the scanner behind a service. */
export const RdDeviceInfo = z.object({
  provider: z.string(),
  serviceId: z.string(),
  serviceVersion: z.string(),
  deviceCode: z.string(),
  model: z.string(),
  serial: z.string(),
  certificate: DeviceCertificate.nullable(),
  emulated: z.boolean(),
});
export type RdDeviceInfo = z.infer<typeof RdDeviceInfo>;

export const UsbSource = z.enum(['usb', 'hid', 'serial']);

/** A device of the catalogue seen on the bus (USB, HID or serial). */
export const PresentDevice = z.object({
  key: z.string(),
  source: UsbSource,
  vid: z.string(),
  pid: z.string(),
  vendor: z.string(),
  model: z.string(),
  kind: z.enum(['fingerprint', 'iris', 'face', 'barcode']),
  path: z.string().nullable(),
});
export type PresentDevice = z.infer<typeof PresentDevice>;

/** The three states the operator must tell apart, and the rest. */
export const DeviceDiagnosis = z.enum(['ready', 'not-plugged', 'no-service', 'not-ready', 'in-use', 'unknown']);
export type DeviceDiagnosis = z.infer<typeof DeviceDiagnosis>;

export const DeviceStatus = z.object({
  services: z.array(RdServiceEntry),
  /** The service captures go to, and what its device reports. */
  selected: z.object({ service: RdServiceEntry, device: RdDeviceInfo.nullable() }).nullable(),
  usb: z.object({ available: z.boolean(), reason: z.string().nullable(), devices: z.array(PresentDevice) }),
  diagnosis: DeviceDiagnosis,
  message: Message,
  scannedAt: z.iso.datetime().nullable(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** One capture attempt as recorded: never the PID block. */
export const AttemptRecord = z.object({
  at: z.iso.datetime(),
  finger: Finger,
  errCode: z.string(),
  qScore: z.number().nullable(),
  nmPoints: z.int().nullable(),
  outcome: z.enum(['accepted', 'low-quality', 'finger-error', 'device-error']),
});
export type AttemptRecord = z.infer<typeof AttemptRecord>;

/**
 * Where a capture session stands: `capturing` (go on with this finger), `accepted`, `fallback`
 * (every finger in the rotation tried: use another way to verify), `device-problem` (fix the
 * scanner or service, then capture again).
 */
export const CapturePhase = z.enum(['capturing', 'accepted', 'fallback', 'device-problem']);
export type CapturePhase = z.infer<typeof CapturePhase>;

export const CaptureState = z.object({
  sessionId: z.string(),
  phase: CapturePhase,
  finger: Finger,
  rotation: z.array(Finger),
  /** Attempts made on the current finger, and the allowance per finger. */
  attempt: z.int(),
  attemptsPerFinger: z.int(),
  threshold: z.int(),
  guidance: Message,
  last: AttemptRecord.nullable(),
  best: AttemptRecord.nullable(),
  attempts: z.array(AttemptRecord),
  device: RdDeviceInfo.nullable(),
});
export type CaptureState = z.infer<typeof CaptureState>;

export const CaptureStartRequest = z.strictObject({ finger: Finger.optional() });
export const CaptureRequest = z.strictObject({ sessionId: z.string().max(64), finger: Finger.optional() });

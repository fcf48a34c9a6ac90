import { X509Certificate } from 'node:crypto';
import type { DeviceCertificate, RdDeviceInfo } from '../../../shared/contract/device';
import { attr, child, childrenNamed, parseXml, XmlError, type XmlNode } from '../../base/xml';

export const CERT_WARN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Read the device certificate's validity from `mc` (base64 DER X.509) when it holds one. */
export function readCertificate(mc: string | undefined, now: Date): DeviceCertificate | null {
  if (!mc || mc.trim() === '') return null;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(mc.replace(/\s+/g, ''), 'base64'));
  } catch {
    return { state: 'unreadable', validFrom: null, validTo: null, daysLeft: null };
  }
  const validFrom = new Date(cert.validFrom);
  const validTo = new Date(cert.validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  const state = now < validFrom ? 'not-yet-valid' : now > validTo ? 'expired' : daysLeft < CERT_WARN_DAYS ? 'expiring' : 'valid';
  return { state, validFrom: validFrom.toISOString(), validTo: validTo.toISOString(), daysLeft };
}

/** DeviceInfo as an element (inside DEVICEINFO's answer or inside PidData), case-insensitively. */
export function deviceInfoFromNode(node: XmlNode, now: Date): RdDeviceInfo {
  const params = new Map<string, string>();
  const additional = child(node, 'additional_info');
  for (const param of additional ? childrenNamed(additional, 'param') : []) {
    const name = attr(param, 'name');
    if (name) params.set(name.toLowerCase(), attr(param, 'value') ?? '');
  }
  return {
    provider: attr(node, 'dpId') ?? '',
    serviceId: attr(node, 'rdsId') ?? '',
    serviceVersion: attr(node, 'rdsVer') ?? '',
    deviceCode: attr(node, 'dc') ?? '',
    model: attr(node, 'mi') ?? '',
    serial: params.get('srno') ?? params.get('serialno') ?? params.get('serial') ?? '',
    certificate: readCertificate(attr(node, 'mc'), now),
    emulated: params.get('emulated') === 'true',
  };
}

export function parseDeviceInfo(xml: string, now = new Date()): RdDeviceInfo {
  const root = parseXml(xml, 256 * 1024);
  if (root.name !== 'deviceinfo') throw new XmlError('malformed', `expected <DeviceInfo>, got <${root.name}>`);
  return deviceInfoFromNode(root, now);
}

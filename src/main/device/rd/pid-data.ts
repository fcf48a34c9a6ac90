import type { RdDeviceInfo } from '../../../shared/contract/device';
import { deviceInfoFromNode } from './device-info';
import { PidBlock } from '../../base/pid-block';
import { attr, child, parseXml, XmlError } from '../../base/xml';

/** What a CAPTURE answer says, with the PID block kept opaque. */
export interface CaptureAnswer {
  /** Kept as a string: vendors send negative and non-numeric codes. */
  errCode: string;
  errInfo: string;
  qScore: number | null;
  nmPoints: number | null;
  fCount: number | null;
  fType: number | null;
  iCount: number | null;
  pCount: number | null;
  device: RdDeviceInfo | null;
  /** Present only for errCode 0 with the encrypted parts present. */
  pid: PidBlock | null;
}

/** PidData with FIR images can be large; still bounded. */
export const PID_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * A capture has at most 10 fingers and 2 irises: values past this many are not read, so a hostile
 * list (125,000 scores) costs nothing.
 */
export const MAX_LIST_VALUES = 256;

/** A number, or for multi-finger captures ("27,45") the weakest one. */
function num(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  let weakest = Infinity;
  // A loop, not Math.min(...values): spreading a long list overflows the call stack.
  for (const part of value.split(',', MAX_LIST_VALUES)) {
    const n = Number(part.trim());
    if (!Number.isFinite(n)) return null;
    if (n < weakest) weakest = n;
  }
  return weakest;
}

/**
 * Read Resp and DeviceInfo from a PidData answer. Skey, Hmac and Data are only checked for
 * presence; their content is encrypted and never looked into.
 */
export function parsePidData(xml: string, now = new Date()): CaptureAnswer {
  const root = parseXml(xml, PID_LIMIT_BYTES);
  if (root.name !== 'piddata') throw new XmlError('malformed', `expected <PidData>, got <${root.name}>`);
  const resp = child(root, 'resp');
  if (!resp) throw new XmlError('malformed', 'PidData has no <Resp>');
  const errCode = (attr(resp, 'errCode') ?? '').trim();
  if (errCode === '') throw new XmlError('malformed', 'Resp has no errCode');
  const deviceNode = child(root, 'deviceinfo');
  const complete = ['skey', 'hmac', 'data'].every((name) => child(root, name) !== undefined);
  if (errCode === '0' && !complete) throw new XmlError('malformed', 'success answer without Skey, Hmac and Data');
  const nm = num(attr(resp, 'nmPoints'));
  return {
    errCode,
    errInfo: attr(resp, 'errInfo') ?? '',
    qScore: num(attr(resp, 'qScore')),
    nmPoints: nm === null ? null : Math.trunc(nm),
    fCount: num(attr(resp, 'fCount')),
    fType: num(attr(resp, 'fType')),
    iCount: num(attr(resp, 'iCount')),
    pCount: num(attr(resp, 'pCount')),
    device: deviceNode ? deviceInfoFromNode(deviceNode, now) : null,
    pid: errCode === '0' ? new PidBlock(xml.trim(), now) : null,
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { RdStatus } from '../../../shared/contract/device';
import { escapeAttr } from '../../base/xml';
import type { VendorProfile } from './profiles';

/** The device identity an emulator keeps for its lifetime. */
export interface EmulatedDevice {
  serial: string;
  deviceCode: string;
  /** Base64 DER of a self-signed certificate standing in for the device certificate. */
  certificate: string;
}

export function newDevice(profile: VendorProfile, certificate: string): EmulatedDevice {
  return { serial: `${profile.device.serialPrefix}${randomBytes(4).readUInt32BE(0).toString().padStart(10, '0')}`, deviceCode: randomUUID(), certificate };
}

function fill(path: string, origin: string): string {
  return path.replace('{origin}', origin).replace('{hostport}', new URL(origin).host);
}

export function rdServiceXml(profile: VendorProfile, status: RdStatus, origin: string): string {
  const head = `<?xml version="1.0"?>\n<RDService status="${status}" info="${escapeAttr(profile.info)}"`;
  if (profile.declaresInterfaces === false) return `${head}/>`;
  const capture = `<Interface id="CAPTURE" path="${escapeAttr(fill(profile.capturePath, origin))}" />`;
  const info = `<Interface id="${escapeAttr(profile.deviceInfoId ?? 'DEVICEINFO')}" path="${escapeAttr(fill(profile.deviceInfoPath, origin))}" />`;
  const interfaces = profile.deviceInfoFirst ? `${info}${capture}` : `${capture}${info}`;
  return `${head}>${interfaces}</RDService>`;
}

/** DeviceInfo with the profile's attribute casing; marked emulated in additional_info. */
export function deviceInfoXml(profile: VendorProfile, device: EmulatedDevice): string {
  const [dp, rds] = profile.attributeCase === 'upper' ? ['dpID', 'rdsID'] : ['dpId', 'rdsId'];
  const d = profile.device;
  return (
    `<DeviceInfo ${dp}="${escapeAttr(d.dpId)}" ${rds}="${escapeAttr(d.rdsId)}" rdsVer="${escapeAttr(d.rdsVer)}" dc="${device.deviceCode}" mi="${escapeAttr(d.model)}" mc="${device.certificate}">` +
    `<additional_info><Param name="srno" value="${device.serial}"/><Param name="sysid" value="MITRA-DESK-EMULATOR"/>` +
    `<Param name="ts" value="${new Date().toISOString()}"/><Param name="emulated" value="true"/></additional_info></DeviceInfo>`
  );
}

export interface RespFields {
  errCode: string;
  errInfo: string;
  fCount: number;
  fType: number;
  iCount: number;
  qScore?: number;
  nmPoints?: number;
}

/**
 * A syntactically valid PidData. The "encrypted" parts are random bytes and say so: Skey's
 * certificate identifier is EMULATED, so no server could mistake this for a real biometric.
 */
export function pidDataXml(profile: VendorProfile, device: EmulatedDevice, resp: RespFields): string {
  const quality = resp.qScore === undefined ? '' : ` qScore="${Math.round(resp.qScore)}"`;
  const points = resp.nmPoints === undefined ? '' : ` nmPoints="${resp.nmPoints}"`;
  const respXml = `<Resp errCode="${escapeAttr(resp.errCode)}" errInfo="${escapeAttr(resp.errInfo)}" fCount="${resp.fCount}" fType="${resp.fType}" iCount="${resp.iCount}" pCount="0"${points}${quality}/>`;
  if (resp.errCode !== '0') return `<?xml version="1.0"?>\n<PidData>${respXml}${deviceInfoXml(profile, device)}</PidData>`;
  const skey = randomBytes(256).toString('base64');
  const hmac = randomBytes(48).toString('base64');
  const data = randomBytes(1536).toString('base64');
  return (
    `<?xml version="1.0"?>\n<PidData>${respXml}${deviceInfoXml(profile, device)}` +
    `<Skey ci="EMULATED">${skey}</Skey><Hmac>${hmac}</Hmac><Data type="X">${data}</Data></PidData>`
  );
}

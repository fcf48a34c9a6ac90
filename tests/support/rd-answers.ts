import { scriptedServer, type RawServer } from './raw-servers';

/** A successful PidData answer with the given Resp attributes (placeholder encrypted parts). */
export function pidDataXml(resp: { qScore?: string; nmPoints?: string } = {}): string {
  const quality = resp.qScore === undefined ? '' : ` qScore="${resp.qScore}"`;
  const points = resp.nmPoints === undefined ? '' : ` nmPoints="${resp.nmPoints}"`;
  return (
    `<PidData><Resp errCode="0" errInfo="ok" fCount="1" fType="2"${points}${quality}/><DeviceInfo dpId="TEST.DP" mi="SCRIPTED"/>` +
    `<Skey ci="TEST">U0tFWQ==</Skey><Hmac>SE1BQw==</Hmac><Data type="X">REFUQQ==</Data></PidData>`
  );
}

/** A quality list far longer than any capture (at most 10 fingers and 2 irises): all 60 but one 35. */
export function hugeQualityList(count: number): string {
  return Array.from({ length: count }, (_, i) => (i === 3 ? '35' : '60')).join(',');
}

export const DEVICE_INFO_XML = '<DeviceInfo dpId="TEST.DP" rdsId="TEST.RDS" rdsVer="1.0" dc="dc" mi="SCRIPTED" mc=""><additional_info><Param name="srno" value="T123"/></additional_info></DeviceInfo>';

/**
 * An RD service that answers RDSERVICE with `rdservice`, DEVICEINFO with a device and CAPTURE with
 * `capture` (whatever the path: the raw server does not look at it).
 */
export function rdServer(rdservice: string, capture = pidDataXml({ qScore: '70', nmPoints: '30' })): Promise<RawServer> {
  return scriptedServer((method) => ({ body: method === 'RDSERVICE' ? rdservice : method === 'DEVICEINFO' ? DEVICE_INFO_XML : capture }));
}

/**
 * Two READY services, the one on the lower port unable to capture (its CAPTURE path points off
 * this computer), so a status-then-port order would pick it. Roles are given once both ports are known.
 */
export async function readyPairOneCannotCapture(capture = pidDataXml({ qScore: '70', nmPoints: '30' })): Promise<{ cannot: RawServer; can: RawServer }> {
  let lowPort = 0;
  const answer = (port: () => number) => (method: string) => {
    if (method === 'DEVICEINFO') return { body: DEVICE_INFO_XML };
    if (method !== 'RDSERVICE') return { body: capture };
    const path = port() === lowPort ? 'http://203.0.113.9:11100/rd/capture' : '/rd/capture';
    return { body: `<RDService status="READY" info="Test RD"><Interface id="CAPTURE" path="${path}"/><Interface id="DEVICEINFO" path="/rd/info"/></RDService>` };
  };
  let aPort = 0;
  let bPort = 0;
  const a = await scriptedServer(answer(() => aPort));
  const b = await scriptedServer(answer(() => bPort));
  aPort = a.port;
  bPort = b.port;
  lowPort = Math.min(a.port, b.port);
  return a.port === lowPort ? { cannot: a, can: b } : { cannot: b, can: a };
}

import type { RdScheme, RdServiceEntry, RdStatus } from '../../../shared/contract/device';
import { LOOPBACK_HOSTS } from '../../base/loopback';
import { isLoopbackUrl } from '../../security/loopback';
import { attr, childrenNamed, parseXml, XmlError } from '../../base/xml';

const STATUSES: readonly RdStatus[] = ['READY', 'NOTREADY', 'USED'];
const LOOPBACK_ALTERNATIVES = LOOPBACK_HOSTS.map((host) => (host.includes(':') ? `[${host}]` : host).replace(/[.[\]]/g, '\\$&')).join('|');
/** `/127.0.0.1:11100/capture`: a loopback host written where a path belongs. */
const LOOPBACK_PREFIX = new RegExp(`^/?((?:${LOOPBACK_ALTERNATIVES})(?::\\d+)?)(/.*)?$`, 'i');
const HOST_LIKE_PREFIX = /^\/?([a-z0-9.-]+\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:\/|$)/i;

/**
 * Turn an interface `path` as vendors write it into a full loopback URL, or null when it points
 * anywhere else. Seen forms: `/rd/capture`, `capture`, `http://127.0.0.1:11100/rd/capture`,
 * `/127.0.0.1:11100/capture`.
 */
export function normaliseInterfacePath(path: string, scheme: RdScheme, port: number): string | null {
  const raw = path.trim();
  if (raw === '') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    return isLoopbackUrl(url) ? url.toString() : null;
  }
  const hostPrefixed = LOOPBACK_PREFIX.exec(raw);
  if (hostPrefixed) return new URL(`${scheme}://${hostPrefixed[1]}${hostPrefixed[2] ?? '/'}`).toString();
  // `/evil.example:80/capture` names another host: refuse rather than treat it as a path.
  if (HOST_LIKE_PREFIX.test(raw)) return null;
  // `//host/path` is protocol-relative: whatever it resolves to must still be this computer.
  const url = new URL(raw.startsWith('/') ? raw : `/${raw}`, `${scheme}://127.0.0.1:${port}`);
  return isLoopbackUrl(url) ? url.toString() : null;
}

/** Interface ids as vendors write them (upper-cased), preferred first; `INFO` is seen in the field. */
const CAPTURE_IDS = ['CAPTURE'];
const DEVICE_INFO_IDS = ['DEVICEINFO', 'INFO', 'DEVICE_INFO', 'GETDEVICEINFO'];

/** The vendors' default paths, for services whose answer declares no interface (a bare IDEMIA L1 does). */
function defaultPaths(info: string): { capture: string; deviceInfo: string } {
  return /morpho|idemia/i.test(info) ? { capture: '/capture', deviceInfo: '/getDeviceInfo' } : { capture: '/rd/capture', deviceInfo: '/rd/info' };
}

/**
 * Parse an RDSERVICE answer. Interfaces are matched on `id` (and its known aliases), never on
 * position; an interface not declared at all gets the vendor's default path. A declared path that
 * is refused (not this computer) stays refused: no default replaces it.
 */
export function parseRdService(xml: string, scheme: RdScheme, port: number): RdServiceEntry {
  const root = parseXml(xml, 64 * 1024);
  if (root.name !== 'rdservice') throw new XmlError('malformed', `expected <RDService>, got <${root.name}>`);
  const statusText = (attr(root, 'status') ?? '').toUpperCase();
  const status = STATUSES.find((s) => s === statusText) ?? 'NOTREADY';
  const interfaces = new Map<string, string>();
  for (const node of childrenNamed(root, 'interface')) {
    const id = (attr(node, 'id') ?? '').trim().toUpperCase();
    const path = attr(node, 'path');
    if (id && path !== undefined && !interfaces.has(id)) interfaces.set(id, path);
  }
  const info = attr(root, 'info') ?? '';
  const defaults = defaultPaths(info);
  const declared = (ids: string[]) => ids.map((id) => interfaces.get(id)).find((path) => path !== undefined);
  const capturePath = declared(CAPTURE_IDS);
  const deviceInfoPath = declared(DEVICE_INFO_IDS);
  return {
    port,
    scheme,
    status,
    info,
    captureUrl: normaliseInterfacePath(capturePath ?? defaults.capture, scheme, port),
    deviceInfoUrl: normaliseInterfacePath(deviceInfoPath ?? defaults.deviceInfo, scheme, port),
    pathsAssumed: capturePath === undefined || deviceInfoPath === undefined,
  };
}

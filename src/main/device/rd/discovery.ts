import type { RdScheme, RdServiceEntry } from '../../../shared/contract/device';
import { MitraError } from '../../../shared/errors';
import { parseRdService } from './service';
import { rdRequest } from './transport';

export interface DiscoveryOptions {
  host: string;
  ports: number[];
  schemes: RdScheme[];
  /** Per probe; every probe runs at once, so the whole scan costs about one of these. */
  timeoutMs: number;
}

export const DEFAULT_PORTS = range(11100, 11120);

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** `11100-11120`, `11100,11105`, `11100-11102,11111`: what the CLI and settings accept. */
export function parsePorts(spec: string): number[] {
  const ports = new Set<number>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = Number(match?.[1]);
    const to = Number(match?.[2] ?? match?.[1]);
    if (!match || from < 1 || to > 65_535 || from > to || to - from > 1000) throw new MitraError('invalid_ports', `not a port range: "${part}"`);
    for (const port of range(from, to)) ports.add(port);
  }
  if (ports.size === 0) throw new MitraError('invalid_ports', 'no ports given');
  return [...ports];
}

const ORDER = { READY: 0, USED: 1, NOTREADY: 2 } as const;

/**
 * The order every caller picks "the" service by: services that can capture first (so a READY one
 * that can capture always wins over a READY one that cannot), then READY, USED, NOTREADY; ties by port.
 */
export function compareServices(a: RdServiceEntry, b: RdServiceEntry): number {
  return Number(a.captureUrl === null) - Number(b.captureUrl === null) || ORDER[a.status] - ORDER[b.status] || a.port - b.port;
}

/** The service captures go to: the first in `compareServices` order, or null when none answered. */
export function pickService(services: readonly RdServiceEntry[]): RdServiceEntry | null {
  return [...services].sort(compareServices)[0] ?? null;
}

/**
 * Find every RD service: RDSERVICE to `/` on each port, over http and https, all probes at once.
 * A port that accepts and never answers costs one timeout, in parallel with the others.
 * Result in `compareServices` order.
 */
export async function discover({ host, ports, schemes, timeoutMs }: DiscoveryOptions): Promise<RdServiceEntry[]> {
  const probes = ports.flatMap((port) =>
    schemes.map(async (scheme) => {
      const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      const xml = await rdRequest({ url: `${scheme}://${hostPart}:${port}/`, method: 'RDSERVICE', timeoutMs, maxBytes: 64 * 1024 });
      return parseRdService(xml, scheme, port);
    }),
  );
  const found = new Map<number, RdServiceEntry>();
  for (const result of await Promise.allSettled(probes)) {
    if (result.status !== 'fulfilled') continue;
    const entry = result.value;
    // One listener per port: if both schemes somehow answered, keep the better one.
    const existing = found.get(entry.port);
    if (!existing || compareServices(entry, existing) < 0) found.set(entry.port, entry);
  }
  return [...found.values()].sort(compareServices);
}

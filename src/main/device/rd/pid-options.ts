import type { Finger } from '../../../shared/contract/device';
import { escapeAttr } from '../../base/xml';

/** Typed CAPTURE options; `toPidOptionsXml` writes the document the RD service expects. */
export interface PidOptions {
  fingerCount: number;
  /** FMR (minutiae), FIR (image) or both (PID 2.0). */
  fingerType: 'FMR' | 'FIR' | 'BOTH';
  /** Which finger; omitted means any (UNKNOWN). */
  position?: Finger;
  timeoutMs: number;
  /** P production, PP pre-production, S staging. */
  env: 'P' | 'PP' | 'S';
  /** eKYC only. */
  wadh?: string;
  irisCount?: number;
  /** 0 unknown/any (vendor-specific meaning otherwise). */
  irisType?: number;
  /** Vendor-specific extras, sent as <CustOpts><Param name value/>. */
  custOpts?: Record<string, string>;
}

const FTYPE = { FMR: 0, FIR: 1, BOTH: 2 } as const;

export function toPidOptionsXml(options: PidOptions): string {
  const attrs: [string, string | number][] = [
    ['fCount', options.fingerCount],
    ['fType', FTYPE[options.fingerType]],
    ['iCount', options.irisCount ?? 0],
    ...(options.irisCount ? ([['iType', options.irisType ?? 0]] as [string, number][]) : []),
    ['pCount', 0],
    // format 1 (protobuf) is refused by several services (errCode 210): always XML.
    ['format', 0],
    ['pidVer', '2.0'],
    ['timeout', Math.round(options.timeoutMs)],
    ['posh', options.position ?? 'UNKNOWN'],
    ['env', options.env],
    ['wadh', options.wadh ?? ''],
  ];
  const opts = attrs.map(([name, value]) => `${name}="${escapeAttr(String(value))}"`).join(' ');
  const cust = Object.entries(options.custOpts ?? {})
    .map(([name, value]) => `<Param name="${escapeAttr(name)}" value="${escapeAttr(value)}"/>`)
    .join('');
  return `<?xml version="1.0"?><PidOptions ver="1.0"><Opts ${opts}/><CustOpts>${cust}</CustOpts></PidOptions>`;
}

import { createHash } from 'node:crypto';
import { attr, child, parseXml } from '../../base/xml';

export interface PidCheck {
  ok: boolean;
  reason?: string;
  /** Identifies the block: one reused in another transaction is UIDAI's 563. */
  hash: string;
}

/** Would UIDAI take this PID block: a successful capture, its capture time (DeviceInfo additional_info ts) neither stale nor ahead? */
export function checkPid(base64: string, nowMs: number, maxAgeMs: number): PidCheck {
  const hash = createHash('sha256').update(base64).digest('hex');
  try {
    const root = parseXml(Buffer.from(base64, 'base64').toString('utf8'));
    const resp = child(root, 'resp');
    if (root.name !== 'piddata' || attr(resp, 'errCode') !== '0') return { ok: false, reason: 'no-match', hash };
    const info = child(root, 'deviceinfo');
    const ts = info ? child(info, 'additional_info')?.children.find((p) => attr(p, 'name') === 'ts') : undefined;
    const captured = ts ? Date.parse(attr(ts, 'value') ?? '') : NaN;
    if (Number.isFinite(captured) && nowMs - captured > maxAgeMs) return { ok: false, reason: 'pid-too-old', hash };
    if (Number.isFinite(captured) && captured - nowMs > 5 * 60_000) return { ok: false, reason: 'pid-future', hash };
    return { ok: true, hash };
  } catch {
    return { ok: false, reason: 'no-match', hash };
  }
}

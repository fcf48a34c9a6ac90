/**
 * What the operator should do about a CAPTURE errCode. `finger` problems are the patient's finger
 * and count as an attempt; `device` problems are the scanner or its service and do not.
 */
export type RdErrorCategory = 'finger' | 'device';

export interface RdErrorMeaning {
  code: string;
  category: RdErrorCategory;
  /** i18n key under rd.error: what happened and what to do, in plain words. */
  messageKey: string;
}

/** The errCode table of rd-service.md (a production helper's table; not all confirmed in the spec). */
const KNOWN: Record<string, Omit<RdErrorMeaning, 'code'>> = {
  '210': { category: 'device', messageKey: 'rd.error.210' },
  '700': { category: 'finger', messageKey: 'rd.error.700' },
  '710': { category: 'device', messageKey: 'rd.error.710' },
  '720': { category: 'device', messageKey: 'rd.error.720' },
  '730': { category: 'finger', messageKey: 'rd.error.730' },
  '740': { category: 'device', messageKey: 'rd.error.740' },
  '750': { category: 'device', messageKey: 'rd.error.750' },
  '760': { category: 'device', messageKey: 'rd.error.760' },
  '770': { category: 'device', messageKey: 'rd.error.770' },
  '999': { category: 'device', messageKey: 'rd.error.999' },
};

export const KNOWN_ERROR_CODES = Object.keys(KNOWN);

export function meaningOf(errCode: string): RdErrorMeaning {
  const code = errCode.trim();
  const known = KNOWN[code];
  if (known) return { code, ...known };
  if (/^-\d+$/.test(code)) return { code, category: 'device', messageKey: 'rd.error.vendor' };
  return { code, category: 'device', messageKey: 'rd.error.unknown' };
}

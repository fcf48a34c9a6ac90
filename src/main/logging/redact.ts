/**
 * Privacy filter applied to every log line before it is written (Aadhaar Act and Authentication
 * Regulations): no full Aadhaar number and no PID block may reach a log. Aadhaar-like numbers are
 * masked by the same rule as free text in the contract (src/shared/aadhaar/mask.ts).
 */
import { maskAadhaarLike } from '../../shared/aadhaar/mask';

/** A whole PID block, or a truncated one running to the end of the text; raw or HTML-escaped. */
const PID_DATA = /(?:<|&lt;)PidData\b[\s\S]*?(?:(?:<|&lt;)\/PidData\s*(?:>|&gt;)|$)/gi;
/** Parts of a PID block that may travel on their own. */
const PID_PARTS = /(?:<|&lt;)(Skey|Hmac|Data)\b[\s\S]*?(?:(?:<|&lt;)\/\1\s*(?:>|&gt;)|$)/gi;
/** JSON-style fields that carry biometrics or identity numbers. */
const SENSITIVE_KEY_NAMES = [
  'pid',
  'pidData',
  'pidBlock',
  'pidXml',
  'fingerPrintAuthPid',
  'irisAuthPid',
  'faceAuthPid',
  'skey',
  'hmac',
  'aadhaar',
  'aadhaarNumber',
  'uid',
];
const SENSITIVE_KEYS = new Set(SENSITIVE_KEY_NAMES.map((k) => k.toLowerCase()));
const SENSITIVE_JSON_FIELD = new RegExp(`("(?:${SENSITIVE_KEY_NAMES.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
/** Long base64 or base64url runs, also wrapped at 64/76 columns: encrypted biometrics, keys, certificates. */
const LONG_BASE64 = /(?:[A-Za-z0-9+/_-]{40,}={0,2}(?:\r?\n|\\r?\\n)){2,}[A-Za-z0-9+/_-]*={0,2}|[A-Za-z0-9+/_-]{160,}={0,2}/g;

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return maskAadhaarLike(
    text
      .replace(PID_DATA, `<PidData ${REDACTED}/>`)
      .replace(PID_PARTS, (_m, tag: string) => `<${tag} ${REDACTED}/>`)
      .replace(SENSITIVE_JSON_FIELD, `$1"${REDACTED}"`)
      .replace(LONG_BASE64, (m) => `[redacted ${m.length} chars]`),
  );
}

/** Redact any value a logger may receive: strings, errors, arrays and plain objects, to a depth. */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' && Number.isInteger(value) && String(value).length === 12) return maskAadhaarLike(String(value));
  if (typeof value === 'bigint') return maskAadhaarLike(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (depth > 6) return '[too deep]';
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redactText(value.stack);
    return copy;
  }
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return out;
}

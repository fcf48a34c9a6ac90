import { createHmac } from 'node:crypto';

/** What may be kept of an Aadhaar number: the last 4 digits and a keyed hash for matching. */
export interface AadhaarTrace {
  last4: string;
  hmac: string;
}

export function aadhaarTrace(number: string, key: Buffer): AadhaarTrace {
  const digits = number.replace(/\D/g, '');
  return { last4: digits.slice(-4), hmac: createHmac('sha256', key).update(digits).digest('hex') };
}

import { hasAadhaarShape } from './number';
import { asciiDigit } from './digits';
import { verhoeffValid } from './verhoeff';

/**
 * Aadhaar numbers typed where they do not belong (a note, a name, "confirmed by", a portal's
 * reason), and in log lines: masked to the last 4 digits before anything is stored, logged or sent.
 *
 * A run is digits (any script) joined by up to six characters that are neither letters nor digits
 * (spaces of every kind, zero-width characters, punctuation, brackets). A run with 12 or more
 * digits is masked whole, keeping its last 4: over-masking is the safe side. Two exceptions keep
 * ordinary notes readable: an unbroken run of 13 or more digits (a timestamp, a long id), a date
 * and a time ("25/11/2026 10:30", "2026-11-25 03:36"), and any other run joined by a colon unless
 * its 12 digits form a valid Aadhaar number.
 */
const RUN = /\p{Nd}(?:[^\p{L}\p{N}\r\n]{0,6}\p{Nd})*/gu;
const DIGIT = /\p{Nd}/gu;

function isAadhaarDigits(digits: string[]): boolean {
  const ascii = digits.map((d) => asciiDigit(d) ?? '?').join('');
  return hasAadhaarShape(ascii) && verhoeffValid(ascii);
}

/** A date and a time as people and programs write them: 2026-11-25 10:30, 25/11/2026 10:30:05, 2026-11-25T10:30. */
const DATE_TIME = /^\p{Nd}{1,4}[-/.]\p{Nd}{1,2}[-/.]\p{Nd}{1,4}(?:[ T,]+|,\s*)\p{Nd}{1,2}:\p{Nd}{2}(?::\p{Nd}{2})?$/u;

function needsMask(run: string, digits: string[]): boolean {
  if (digits.length < 12) return false;
  if (digits.length > 12 && digits.length === [...run].length) return false;
  // A date and a time is never an Aadhaar number, even when its 12 digits happen to pass the check (1 minute in 10).
  if (DATE_TIME.test(run)) return false;
  if (run.includes(':')) return digits.length === 12 && isAadhaarDigits(digits);
  return true;
}

export function maskAadhaarLike(text: string): string {
  return text.replace(RUN, (run) => {
    const digits = run.match(DIGIT) ?? [];
    return needsMask(run, digits) ? `XXXX XXXX ${digits.slice(-4).join('')}` : run;
  });
}

/**
 * Whether an identifier holds a full Aadhaar number, alone or inside it ("TXN-9999 4105 7058", a UIDAI test number):
 * 12 digits joined as above that are Verhoeff-valid. Ids are refused, not masked: a masked id
 * would no longer be the id.
 */
export function containsAadhaarNumber(text: string): boolean {
  for (const run of text.match(RUN) ?? []) {
    const digits = run.match(DIGIT) ?? [];
    if (digits.length === 12 && isAadhaarDigits(digits)) return true;
  }
  return false;
}

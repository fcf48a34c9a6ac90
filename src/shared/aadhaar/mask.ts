import { SEPARATOR_CLASS } from './number';

/**
 * Aadhaar numbers typed where they do not belong (a note, a name, "confirmed by"), and in log
 * lines: masked to the last 4 digits before anything is stored, logged or sent.
 *
 * A run is digits (any script) joined by up to three of the separators people put in Aadhaar
 * numbers (SEPARATOR_CLASS). A run with 12 or more digits is masked
 * whole, keeping its last 4; over-masking is the safe side. Only an unbroken run of 13 or more
 * digits is left alone: that is a timestamp or a long id, not an Aadhaar number.
 */
const RUN = new RegExp(`\\p{Nd}(?:${SEPARATOR_CLASS}{0,3}\\p{Nd})*`, 'gu');
const DIGIT = /\p{Nd}/gu;

export function maskAadhaarLike(text: string): string {
  return text.replace(RUN, (run) => {
    const digits = run.match(DIGIT) ?? [];
    if (digits.length < 12) return run;
    if (digits.length > 12 && digits.length === [...run].length) return run;
    return `XXXX XXXX ${digits.slice(-4).join('')}`;
  });
}

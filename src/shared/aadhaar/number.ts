import { toAsciiDigits } from './digits';

/** What may sit between an Aadhaar number's digits when typed in the Aadhaar field: spaces of every kind, zero-width characters, . - / , _ and dashes. */
const SEPARATOR_CLASS = '[\\s.\\-/,_\\u00A0\\u2010-\\u2015\\u2212\\u200B-\\u200D\\u2060\\uFEFF]';
const SEPARATORS = new RegExp(SEPARATOR_CLASS, 'g');

/** The number as typed, in ASCII digits with every separator removed (other characters kept, to be refused). */
export function normaliseAadhaar(typed: string): string {
  return toAsciiDigits(typed).replace(SEPARATORS, '');
}

/** 12 digits, not starting with 0 or 1 (UIDAI never issues those). */
export function hasAadhaarShape(normalised: string): boolean {
  return /^[2-9]\d{11}$/.test(normalised);
}

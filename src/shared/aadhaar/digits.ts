/**
 * Decimal digits as an operator may type them: ASCII, Devanagari and other Indian scripts, or the
 * full-width forms some input methods produce. Every one is turned into ASCII before a number is
 * checked; any other character is left for the caller to refuse.
 */
const ZEROS = [
  0x0030, // ASCII
  0x0660, // Arabic-Indic
  0x06f0, // Extended Arabic-Indic (Urdu)
  0x0966, // Devanagari
  0x09e6, // Bengali
  0x0a66, // Gurmukhi
  0x0ae6, // Gujarati
  0x0b66, // Oriya
  0x0be6, // Tamil
  0x0c66, // Telugu
  0x0ce6, // Kannada
  0x0d66, // Malayalam
  0xff10, // full-width
];

/** The ASCII digit for one character, or null when it is not a digit of a known script. */
export function asciiDigit(char: string): string | null {
  const code = char.codePointAt(0) ?? -1;
  for (const zero of ZEROS) if (code >= zero && code <= zero + 9) return String(code - zero);
  return null;
}

/** Every known-script digit in `text` replaced by its ASCII digit; other characters unchanged. */
export function toAsciiDigits(text: string): string {
  let out = '';
  for (const char of text) out += asciiDigit(char) ?? char;
  return out;
}

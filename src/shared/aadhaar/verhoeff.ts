/**
 * The Verhoeff check digit used by Aadhaar numbers (Verhoeff 1969): it catches every single-digit
 * error and every swap of adjacent digits.
 *
 * The tables are built from their definition, not typed in: a mistyped table once passed its own
 * round-trip tests while refusing one real number in five.
 * - `d` is multiplication in the dihedral group D5: 0-4 are rotations, 5-9 reflections.
 * - `p` applies the permutation σ = (0 1 5 8 9 4 2 7)(3 6) once per position: p[i] = σ^i.
 * - `inv` holds each element's inverse under `d`.
 */

function dihedral(j: number, k: number): number {
  if (j < 5) return k < 5 ? (j + k) % 5 : 5 + ((j + k) % 5);
  return k < 5 ? 5 + ((j - k + 5) % 5) : (j - k + 5) % 5;
}

/** σ written as its image of 0..9: 0→1, 1→5, 5→8, 8→9, 9→4, 4→2, 2→7, 7→0, 3→6, 6→3. */
export const SIGMA: readonly number[] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];

const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export const VERHOEFF_D: readonly (readonly number[])[] = digits.map((j) => digits.map((k) => dihedral(j, k)));

export const VERHOEFF_P: readonly (readonly number[])[] = (() => {
  const rows: number[][] = [digits];
  for (let i = 1; i < 8; i++) rows.push(rows[i - 1]!.map((value) => SIGMA[value]!));
  return rows;
})();

export const VERHOEFF_INV: readonly number[] = digits.map((j) => digits.find((k) => VERHOEFF_D[j]![k] === 0)!);

/** The running check over `digits` read right to left, the first of them at position `offset`. */
function checksum(text: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(text.length - 1 - i) - 48;
    c = VERHOEFF_D[c]![VERHOEFF_P[(i + offset) % 8]![digit]!]!;
  }
  return c;
}

const ASCII_DIGITS = /^\d+$/;

/** The digit that makes `digits + d` Verhoeff-valid. `digits` must be ASCII digits. */
export function verhoeffCheckDigit(digits: string): string {
  if (!ASCII_DIGITS.test(digits)) throw new TypeError('verhoeffCheckDigit takes ASCII digits only');
  return String(VERHOEFF_INV[checksum(digits, 1)]);
}

/** Whether `digits` (ASCII digits, check digit last) is Verhoeff-valid; anything else is simply not valid. */
export function verhoeffValid(digits: string): boolean {
  return ASCII_DIGITS.test(digits) && checksum(digits, 0) === 0;
}

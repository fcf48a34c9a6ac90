import { describe, expect, it } from 'vitest';
import { toAsciiDigits } from '../../src/shared/aadhaar/digits';
import { containsAadhaarNumber, maskAadhaarLike } from '../../src/shared/aadhaar/mask';
import { SIGMA, VERHOEFF_D, VERHOEFF_INV, VERHOEFF_P, verhoeffCheckDigit, verhoeffValid } from '../../src/shared/aadhaar/verhoeff';
import { AadhaarNumber, PatientInput, RegistrationInput } from '../../src/shared/contract/queue';

/**
 * Numbers checked by an independent implementation, python-stdnum 1.18 (Debian's python3-stdnum,
 * `stdnum.verhoeff.is_valid`): 40 drawn at random, each starting with 0 or 1 so that none can be a
 * real person's Aadhaar number (UIDAI issues none starting so).
 */
const STDNUM_VALID = [
  '057830862712', '197094009492', '091346535543', '105976717233', '173970934712', '018682959733', '194002151483', '146613356771',
  '008192374950', '006933305900', '000977810045', '049595510374', '123895686674', '167590915108', '190697826289', '184592388271',
  '150693776576', '050570182942', '141680209479', '150991595341', '123618621797', '136123353118', '057489146756', '014958562813',
  '005883035040', '094377509200', '119518085180', '135723627305', '155206274042', '129733276746', '065971045172', '187440564970',
  '072505625529', '016466759750', '068410540489', '034705218843', '039675000815', '142869242835', '176589836697', '005515362023',
];
/** UIDAI's published test UIDs for its staging environment (also valid under python-stdnum's `stdnum.in_.aadhaar`). */
const UIDAI_TEST_UIDS = ['999941057058', '999971658847', '999933119405', '999955183433', '999990501894'];

describe('Verhoeff tables, against their definition', () => {
  it('d is the dihedral group D5: identity 0, closed, associative, every element invertible, not commutative', () => {
    const d = (a: number, b: number) => VERHOEFF_D[a]![b]!;
    const all = [...Array(10).keys()];
    for (const a of all) {
      expect(d(0, a)).toBe(a);
      expect(d(a, 0)).toBe(a);
      expect(new Set(all.map((b) => d(a, b))).size).toBe(10); // each row a permutation (Latin square)
      expect(d(a, VERHOEFF_INV[a]!)).toBe(0);
      for (const b of all) for (const c of all) expect(d(d(a, b), c)).toBe(d(a, d(b, c)));
    }
    expect(all.some((a) => all.some((b) => d(a, b) !== d(b, a)))).toBe(true);
    // Rotations 1..4 have order 5, reflections 5..9 order 2.
    for (const r of [1, 2, 3, 4]) expect([1, 2, 3, 4, 5].map((n) => Array(n).fill(r).reduce((x: number, y: number) => d(x, y), 0)).indexOf(0) + 1).toBe(5);
    for (const s of [5, 6, 7, 8, 9]) expect(d(s, s)).toBe(0);
  });

  it('p[i] is σ applied i times, σ = (0 1 5 8 9 4 2 7)(3 6), and σ has order 8', () => {
    const cycles = [[0, 1, 5, 8, 9, 4, 2, 7], [3, 6]];
    for (const cycle of cycles) cycle.forEach((from, i) => expect(SIGMA[from]).toBe(cycle[(i + 1) % cycle.length]));
    for (let i = 1; i < 8; i++) for (let j = 0; j < 10; j++) expect(VERHOEFF_P[i]![j]).toBe(SIGMA[VERHOEFF_P[i - 1]![j]!]);
    expect([...Array(10).keys()].map((j) => SIGMA[VERHOEFF_P[7]![j]!])).toEqual([...Array(10).keys()]);
  });

  it('matches the published worked examples and the rows of the published p table', () => {
    expect(verhoeffCheckDigit('236')).toBe('3');
    expect(verhoeffCheckDigit('12345')).toBe('1');
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('2364')).toBe(false);
    // The row a mistyped table once got wrong: σ^5 sends 8 to 0 and 9 to 1.
    expect(VERHOEFF_P[5]).toEqual([4, 2, 8, 6, 5, 7, 3, 9, 0, 1]);
  });

  it('agrees with an independent implementation on 40 random numbers and UIDAI test UIDs', () => {
    for (const number of [...STDNUM_VALID, ...UIDAI_TEST_UIDS]) {
      expect(verhoeffValid(number), number).toBe(true);
      expect(verhoeffCheckDigit(number.slice(0, -1)), number).toBe(number.at(-1));
    }
    for (const uid of UIDAI_TEST_UIDS) expect(AadhaarNumber.safeParse(uid).success, uid).toBe(true);
  });

  it('catches every single-digit error and every adjacent swap', () => {
    for (const number of STDNUM_VALID.slice(0, 10)) {
      for (let i = 0; i < 12; i++) {
        for (let digit = 0; digit < 10; digit++) {
          if (String(digit) === number[i]) continue;
          expect(verhoeffValid(number.slice(0, i) + digit + number.slice(i + 1))).toBe(false);
        }
        if (i < 11 && number[i] !== number[i + 1]) expect(verhoeffValid(number.slice(0, i) + number[i + 1] + number[i] + number.slice(i + 2))).toBe(false);
      }
    }
  });

  it('anything that is not ASCII digits is simply not valid, never a TypeError', () => {
    for (const bad of ['99994105705A', '', 'abc', '9999 4105 7058', '９９９９４１０５７０５８']) expect(verhoeffValid(bad)).toBe(false);
    expect(() => verhoeffCheckDigit('12a')).toThrow(TypeError);
  });
});

describe('Aadhaar numbers as operators type them', () => {
  it('reads Devanagari, other Indian scripts and full-width digits, with any separators', () => {
    expect(toAsciiDigits('९९९९ ४१०५ ७०५८')).toBe('9999 4105 7058');
    expect(toAsciiDigits('９９９９')).toBe('9999');
    for (const typed of ['९९९९ ४१०५ ७०५८', '９９９９４１０５７０５８', '9999-4105-7058', '9999/4105/7058', '9999\u200B4105\u200B7058', ' 9999  4105  7058 '])
      expect(AadhaarNumber.parse(typed), typed).toBe('999941057058');
  });

  it('refuses a letter, a short number or a typing mistake with a message, never a crash', () => {
    const message = (value: string) => AadhaarNumber.safeParse(value).error?.issues.map((i) => i.message);
    expect(message('99994105705A')).toEqual(['an Aadhaar number has 12 digits and does not start with 0 or 1']);
    expect(message('9999 4105 705')).toEqual(['an Aadhaar number has 12 digits and does not start with 0 or 1']);
    expect(message('999941057059')).toEqual(['this Aadhaar number has a typing mistake (check digit does not match)']);
  });

  it('an id field (PM-JAY id, family member, transaction id) refuses a full Aadhaar number typed into it', () => {
    const patient = (beneficiaryId: string) => PatientInput.safeParse({ beneficiaryId, name: 'Sita Devi', state: 'BR' });
    expect(patient('9999-4105-7058').success).toBe(false);
    expect(patient('999941057058').success).toBe(false);
    expect(patient('PMJAY-1234AB').success).toBe(true);
    const withTransaction = (transactionId: string) =>
      RegistrationInput.safeParse({ kind: 'inpatient', patient: { beneficiaryId: 'PMJAY-1234AB', name: 'Sita', state: 'BR' }, admittedAt: '2026-11-25T10:00:00Z', verification: { method: 'otp', transactionId } });
    for (const id of ['999941057058', 'TXN-9999 4105 7058', 'txn:999941057058']) expect(withTransaction(id).success, id).toBe(false);
    for (const id of ['TXN-20261125-000123', '999941057059', 'a1b2c3d4e5f6']) expect(withTransaction(id).success, id).toBe(true);
    expect(containsAadhaarNumber('x 9999 4105 7058 y')).toBe(true);
    expect(containsAadhaarNumber('999941057059')).toBe(false); // not Verhoeff-valid: a plain 12-digit id
  });

  it('masks the forms a first review still found: many spaces, brackets, asterisks, a colon inside', () => {
    for (const typed of ['9999    4105    7058', '(9999) 4105 7058', '9999*4105*7058', '999941:057058', '[9999]-[4105]-[7058]']) {
      const masked = maskAadhaarLike(`note ${typed} end`);
      expect(masked, typed).toContain('XXXX XXXX 7058');
      expect(masked, typed).not.toMatch(/9999|4105/);
    }
    // A date and a time stay readable; so does a 13-digit timestamp.
    expect(maskAadhaarLike('admitted 25/11/2026 10:30, ts 1763924400000')).toBe('admitted 25/11/2026 10:30, ts 1763924400000');
  });

  it('every free-text field masks an Aadhaar-like number before it is stored or sent', () => {
    const parsed = RegistrationInput.parse({
      kind: 'inpatient',
      patient: { beneficiaryId: 'PMJAY-1234AB', name: 'Sita 9999/4105/7058', state: 'BR', district: 'Patna 9999_4105_7058', familyId: 'F 9999,4105,7058' },
      admittedAt: '2026-11-25T10:00:00+05:30',
      verification: { method: 'none-confirmed', confirmedBy: 'Dr. Asha 9999 - 4105 - 7058' },
      notes: 'aadhaar 9999\u200B4105\u200B7058, mobile 9876543210',
    });
    const text = JSON.stringify(parsed);
    expect(text).not.toMatch(/9999.?4105/);
    expect(parsed.notes).toBe('aadhaar XXXX XXXX 7058, mobile 9876543210');
    expect(parsed.verification.confirmedBy).toBe('Dr. Asha XXXX XXXX 7058');
    expect(maskAadhaarLike('ward 4, bed 12')).toBe('ward 4, bed 12');
  });
});

describe('dates and times are never taken for Aadhaar numbers', () => {
  it('every minute of a day, written the usual ways, stays readable (some have 12 digits that pass Verhoeff)', () => {
    let passing = 0;
    for (let minute = 0; minute < 24 * 60; minute++) {
      const hh = String(Math.floor(minute / 60)).padStart(2, '0');
      const mm = String(minute % 60).padStart(2, '0');
      for (const text of [`2026-11-25 ${hh}:${mm}`, `25/11/2026 ${hh}:${mm}`, `2026-11-25T${hh}:${mm}`, `25-11-2026, ${hh}:${mm}:00`]) {
        expect(maskAadhaarLike(`on ${text} (UTC)`), text).toBe(`on ${text} (UTC)`);
      }
      if (containsAadhaarNumber(`2026112${5}${hh}${mm}`)) passing++;
    }
    expect(passing).toBeGreaterThan(0); // the case that once masked a date in the CLI's output
  });
});

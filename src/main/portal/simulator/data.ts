import { verhoeffCheckDigit } from '../../../shared/aadhaar/verhoeff';

/** Synthetic beneficiaries only: names, ids and numbers are generated, never real people's. */
export interface SimMember {
  beneficiaryId: string;
  name: string;
  gender: 'F' | 'M';
  yearOfBirth: number;
  relation: string;
  status: 'approved' | 'needs-ekyc';
  /** A synthetic, Verhoeff-valid Aadhaar-like number (for tests of what must never be stored). */
  aadhaar: string;
  mobile: string;
  /** Admitted in another hospital and not discharged: cannot be registered here. */
  admittedElsewhere: boolean;
}

export interface SimFamily {
  familyId: string;
  state: string;
  district: string;
  rationCard: string;
  members: SimMember[];
}

export const SIM_STATES: Record<string, { name: string; districts: string[] }> = {
  BR: { name: 'Bihar', districts: ['Muzaffarpur', 'Patna', 'Gaya', 'Darbhanga'] },
  UP: { name: 'Uttar Pradesh', districts: ['Gorakhpur', 'Lucknow', 'Varanasi', 'Kanpur'] },
  CG: { name: 'Chhattisgarh', districts: ['Raipur', 'Bilaspur', 'Durg'] },
  MP: { name: 'Madhya Pradesh', districts: ['Jabalpur', 'Bhopal', 'Indore'] },
  JH: { name: 'Jharkhand', districts: ['Ranchi', 'Dhanbad'] },
};

const GIVEN_F = ['Sita', 'Geeta', 'Sunita', 'Anita', 'Rekha', 'Pooja', 'Kiran', 'Meena', 'Lalita', 'Savitri', 'Radha', 'Usha'];
const GIVEN_M = ['Ram', 'Shyam', 'Mohan', 'Suresh', 'Rajesh', 'Manoj', 'Anil', 'Vijay', 'Ramesh', 'Dinesh', 'Arjun', 'Gopal'];
const FAMILY = ['Kumar', 'Mahto', 'Yadav', 'Singh', 'Prasad', 'Sahu', 'Mandal', 'Paswan', 'Verma', 'Patel', 'Nishad', 'Baiga'];
const ALPHANUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Families per state, deterministic for a seed; about 1 in 12 members needs e-KYC, 1 in 40 is admitted elsewhere. */
export function generateFamilies(seed: number, perState = 25): SimFamily[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const code = (length: number) => Array.from({ length }, () => pick([...ALPHANUM])).join('');
  const digits = (length: number) => Array.from({ length }, () => Math.floor(random() * 10)).join('');
  const families: SimFamily[] = [];
  for (const [state, { districts }] of Object.entries(SIM_STATES)) {
    for (let f = 0; f < perState; f++) {
      const surname = pick(FAMILY);
      const size = 2 + Math.floor(random() * 5);
      const members: SimMember[] = [];
      for (let m = 0; m < size; m++) {
        const gender = m === 0 ? (random() < 0.5 ? 'M' : 'F') : random() < 0.5 ? 'F' : 'M';
        const base = `${2 + Math.floor(random() * 8)}${digits(10)}`;
        members.push({
          beneficiaryId: `PMJ${state}${code(7)}`,
          name: `${pick(gender === 'F' ? GIVEN_F : GIVEN_M)} ${surname}`,
          gender,
          yearOfBirth: m < 2 ? 1950 + Math.floor(random() * 40) : 1990 + Math.floor(random() * 30),
          relation: m === 0 ? 'head' : m === 1 ? 'spouse' : 'child',
          status: random() < 1 / 12 ? 'needs-ekyc' : 'approved',
          aadhaar: base + verhoeffCheckDigit(base),
          mobile: `${6 + Math.floor(random() * 4)}${digits(9)}`,
          admittedElsewhere: random() < 1 / 40,
        });
      }
      families.push({ familyId: `FAM${state}${code(8)}`, state, district: pick(districts), rationCard: `${state}RC${digits(10)}`, members });
    }
  }
  return families;
}

/** Members who can be registered (approved, not admitted elsewhere), for tests and training. */
export function registrableMembers(families: SimFamily[], state?: string): (SimMember & { state: string; district: string; familyId: string })[] {
  return families
    .filter((f) => !state || f.state === state)
    .flatMap((f) => f.members.map((m) => ({ ...m, state: f.state, district: f.district, familyId: f.familyId })))
    .filter((m) => m.status === 'approved' && !m.admittedElsewhere);
}

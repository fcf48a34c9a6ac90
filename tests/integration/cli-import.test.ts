import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/config/paths';
import { silentLogger } from '../../src/main/logging/logger';
import { standaloneQueue } from '../../src/main/queue/service';
import { openDatabase } from '../../src/main/storage/database';
import { RegistrationInput, VerificationMethod } from '../../src/shared/contract/queue';
import { runCli } from '../support/cli';
import { useTempDirs } from '../support/temp';

/** `mitra-desk queue import`: paper records typed in after an outage, through the built CLI on a real data directory. */

const tempDir = useTempDirs();

const COLUMNS = ['kind', 'beneficiary_id', 'name', 'gender', 'year_of_birth', 'mobile', 'state', 'district', 'aadhaar', 'admitted_at', 'verification_method', 'confirmed_by', 'transaction_id', 'notes'] as const;
type Column = (typeof COLUMNS)[number];
const header = COLUMNS.join(',');

/** Two hours ago, at 10 seconds past the minute (so +30 s stays in the same minute). */
const admitted = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000 + 10_000);
/** The same instant written with India's offset. */
const inIst = (d: Date) => new Date(d.getTime() + 330 * 60_000).toISOString().replace('Z', '+05:30');

function row(values: Partial<Record<Column, string>> = {}): string {
  const defaults: Record<Column, string> = {
    kind: 'inpatient',
    beneficiary_id: 'PMJBR0000001',
    name: 'Sita Devi',
    gender: 'F',
    year_of_birth: '1970',
    mobile: '9876543210',
    state: 'BR',
    district: 'Patna',
    aadhaar: '',
    admitted_at: admitted.toISOString(),
    verification_method: 'none-confirmed',
    confirmed_by: 'Dr. Meena, night duty',
    transaction_id: '',
    notes: '',
  };
  return COLUMNS.map((c) => `"${(values[c] ?? defaults[c]).replace(/"/g, '""')}"`).join(',');
}

const csv = (...rows: string[]) => [header, ...rows].join('\r\n') + '\r\n';

async function status(dataDir: string): Promise<{ counts: Record<string, number> }> {
  return JSON.parse((await runCli(['queue', 'status', '--json', '--data-dir', dataDir])).stdout);
}

async function listed(dataDir: string): Promise<{ id: string; patientName: string; beneficiaryId: string; kind: string; aadhaarLast4: string | null }[]> {
  return JSON.parse((await runCli(['queue', 'list', '--json', '--data-dir', dataDir])).stdout);
}

const DATE = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/;

describe('queue import refuses duplicates', () => {
  it('refuses a file whose bytes were imported before, naming that import, whatever the new name', async () => {
    const dataDir = tempDir();
    const first = join(dataDir, 'night-shift.csv');
    writeFileSync(first, csv(row(), row({ beneficiary_id: 'PMJBR0000002', name: 'Ram Lal', gender: 'M' })));
    expect((await runCli(['queue', 'import', first, '--data-dir', dataDir])).code).toBe(0);

    const again = await runCli(['queue', 'import', first, '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already imported');
    expect(again.stderr).toContain('"night-shift.csv"');
    expect(again.stderr).toMatch(DATE);

    const copy = join(dataDir, 'copy-from-usb.csv');
    copyFileSync(first, copy);
    const copied = await runCli(['queue', 'import', copy, '--data-dir', dataDir]);
    expect(copied.code).toBe(1);
    expect(copied.stderr).toContain('"night-shift.csv"');
    expect((await status(dataDir)).counts.queued).toBe(2);
  });

  it('refuses rows of one file that are the same registration (same instant written two ways), naming both lines', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'paper.csv');
    writeFileSync(
      file,
      csv(
        row({ admitted_at: inIst(admitted) }),
        row({ beneficiary_id: 'PMJBR0000002', name: 'Ram Lal', gender: 'M' }),
        row({ admitted_at: new Date(admitted.getTime() + 30_000).toISOString(), name: 'Sita Devi (again)' }),
        row({ beneficiary_id: 'PMJBR0000002', name: 'Ram Lal', gender: 'M' }),
      ),
    );
    const result = await runCli(['queue', 'import', file, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 4: .*repeats line 2/);
    expect(result.stderr).toMatch(/line 5: .*repeats line 3/);
    expect(result.stderr).toContain('Nothing imported: 2 problem(s)');
    expect((await status(dataDir)).counts.queued).toBe(0);
  });

  it('refuses a row that repeats a registration already on this desk, naming the earlier import or the desk', async () => {
    const dataDir = tempDir();
    const first = join(dataDir, 'monday.csv');
    writeFileSync(first, csv(row()));
    expect((await runCli(['queue', 'import', first, '--data-dir', dataDir])).code).toBe(0);

    // One registration recorded at the desk itself (not imported).
    const db = openDatabase({ file: dataPaths(dataDir).database, log: silentLogger });
    try {
      standaloneQueue({ db, dataDir, hospital: { code: 'HOSP21BR000123', state: 'BR' }, log: silentLogger }).add(
        RegistrationInput.parse({
          kind: 'outpatient',
          patient: { beneficiaryId: 'PMJBR0000003', name: 'Geeta Kumari', state: 'BR' },
          admittedAt: admitted.toISOString(),
          verification: { method: 'none-confirmed', confirmedBy: 'Dr. Meena' },
        }),
      );
    } finally {
      db.close();
    }

    const second = join(dataDir, 'tuesday.csv');
    writeFileSync(
      second,
      csv(
        row({ beneficiary_id: 'PMJBR0000004', name: 'Mohan Das', gender: 'M' }),
        row({ name: 'Sita Devi Sharma', admitted_at: inIst(admitted) }),
        row({ kind: 'outpatient', beneficiary_id: 'pmjbr0000003', name: 'Geeta Kumari' }),
      ),
    );
    const result = await runCli(['queue', 'import', second, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`line 3: .*already on this desk.*imported from "monday\\.csv" on ${DATE.source}`));
    expect(result.stderr).toMatch(new RegExp(`line 4: .*already on this desk.*recorded at the desk on ${DATE.source}`));
    expect(result.stderr).not.toMatch(/line 2:/);
    expect((await status(dataDir)).counts.queued).toBe(2);
  });
});

describe('queue import reads what people actually save', () => {
  it('reports an Aadhaar number with a letter on its line; full-width digits are read', async () => {
    const dataDir = tempDir();
    const letter = join(dataDir, 'letter.csv');
    writeFileSync(letter, csv(row(), row({ beneficiary_id: 'PMJBR0000002', aadhaar: '99994105705A' })));
    const refused = await runCli(['queue', 'import', letter, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^line 3: aadhaar: an Aadhaar number has 12 digits/m);
    expect(refused.stderr).not.toMatch(/TypeError|\n\s+at /);

    const fullWidth = join(dataDir, 'full-width.csv');
    writeFileSync(fullWidth, csv(row({ aadhaar: '９９９９ ４１０５ ７０５８' })));
    const read = await runCli(['queue', 'import', fullWidth, '--data-dir', dataDir]);
    expect(read.stderr).toBe('');
    expect(read.code).toBe(0);
    expect((await listed(dataDir)).map((e) => e.aadhaarLast4)).toEqual(['7058']);
  });

  it('refuses a Windows-1252 (or any non-UTF-8) file, naming the first bad line and how to save it', async () => {
    const dataDir = tempDir();
    const cp1252 = join(dataDir, 'excel.csv');
    // "André" as Excel's plain "CSV (Comma delimited)" writes it: é is the single byte 0xE9.
    writeFileSync(cp1252, Buffer.from(csv(row(), row({ beneficiary_id: 'PMJBR0000002', name: 'André Tirkey', gender: 'M' })), 'latin1'));
    const refused = await runCli(['queue', 'import', cp1252, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not UTF-8 text: line 3 /);
    expect(refused.stderr).toContain('CSV UTF-8');

    const broken = join(dataDir, 'broken.csv');
    const good = Buffer.from(`${header}\n${row()}\n`, 'utf8');
    writeFileSync(broken, Buffer.concat([good, Buffer.from(row({ beneficiary_id: 'PMJBR0000002', notes: 'cut ' }), 'utf8'), Buffer.from([0xe2, 0x82]), Buffer.from('\n', 'utf8')]));
    const cut = await runCli(['queue', 'import', broken, '--data-dir', dataDir]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/not UTF-8 text: line 3 /);
    expect((await status(dataDir)).counts.queued).toBe(0);
  });

  it('refuses UTF-16 files by name, and accepts UTF-8 with a byte-order mark', async () => {
    const dataDir = tempDir();
    const text = csv(row({ name: 'Zoë Ekka ₹' }));
    const le = join(dataDir, 'unicode-le.csv');
    writeFileSync(le, Buffer.from(`\uFEFF${text}`, 'utf16le'));
    const be = join(dataDir, 'unicode-be.csv');
    writeFileSync(be, Buffer.from(`\uFEFF${text}`, 'utf16le').swap16());
    for (const file of [le, be]) {
      const refused = await runCli(['queue', 'import', file, '--data-dir', dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('UTF-16');
      expect(refused.stderr).toContain('CSV UTF-8');
    }

    const bom = join(dataDir, 'utf8-bom.csv');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    const read = await runCli(['queue', 'import', bom, '--data-dir', dataDir]);
    expect(read.stderr).toBe('');
    expect((await listed(dataDir)).map((e) => e.patientName)).toEqual(['Zoë Ekka ₹']);
  });

  it('accepts any mix of CRLF, LF and CR line endings, and counts lines across them', async () => {
    const dataDir = tempDir();
    const mixed = join(dataDir, 'mixed.csv');
    const rows = [row(), row({ beneficiary_id: 'PMJBR0000002', mobile: '12345' }), row({ beneficiary_id: 'PMJBR0000003' }), row({ beneficiary_id: 'PMJBR0000004', mobile: '999' })];
    // Excel's CRLF header, rows added in an editor that writes LF, one CR, then LF.
    writeFileSync(mixed, `${header}\r\n${rows[0]}\n${rows[1]}\r${rows[2]}\n${rows[3]}\n`);
    const refused = await runCli(['queue', 'import', mixed, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^line 3: mobile: /m);
    expect(refused.stderr).toMatch(/^line 5: mobile: /m);
    expect(refused.stderr).toContain('Nothing imported: 2 problem(s)');

    const fixed = join(dataDir, 'fixed.csv');
    writeFileSync(fixed, `${header}\r\n${rows[0]}\n${row({ beneficiary_id: 'PMJBR0000002' })}\r${rows[2]}\n`);
    const imported = await runCli(['queue', 'import', fixed, '--data-dir', dataDir]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('Imported 3 registration(s)');
  });

  it("names the CSV's own columns in its errors", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'typos.csv');
    writeFileSync(file, csv(row({ admitted_at: '25/11/2026 10:30', beneficiary_id: 'PMJ 1', verification_method: 'thumb', name: ' ', year_of_birth: 'nineteen' })));
    const result = await runCli(['queue', 'import', file, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    for (const column of ['admitted_at', 'beneficiary_id', 'verification_method', 'name', 'year_of_birth']) expect(result.stderr).toMatch(new RegExp(`^line 2: ${column}: `, 'm'));
    expect(result.stderr).toMatch(/^line 2: name: required, but blank$/m);
    expect(result.stderr).not.toMatch(/admittedAt|patient\.|verification\.method|yearOfBirth/);
  });

  it('--help lists every column with its accepted values, the date format, and says it is all or nothing', async () => {
    const help = await runCli(['queue', 'import', '--help']);
    expect(help.code).toBe(0);
    for (const column of COLUMNS) expect(help.stdout).toMatch(new RegExp(`^\\s+${column}\\s`, 'm'));
    expect(help.stdout).toMatch(/kind\s+.*inpatient \| outpatient \| card/);
    expect(help.stdout).toMatch(/gender\s+.*F \| M \| T/);
    expect(help.stdout).toMatch(new RegExp(`verification_method\\s+.*${VerificationMethod.options.join(' \\| ')}`));
    expect(help.stdout).toMatch(/state\s+.*two capital letters/);
    expect(help.stdout).toMatch(/admitted_at\s+.*ISO 8601.*2026-11-25T10:30:00\+05:30/);
    expect(help.stdout).toMatch(/all or nothing/i);
  });

  it('keeps each registration with the name it was recorded with, when a later record changes the patient', async () => {
    const dataDir = tempDir();
    const monday = join(dataDir, 'monday.csv');
    writeFileSync(monday, csv(row({ name: 'Sita Devi' })));
    expect((await runCli(['queue', 'import', monday, '--data-dir', dataDir])).code).toBe(0);
    const tuesday = join(dataDir, 'tuesday.csv');
    writeFileSync(tuesday, csv(row({ kind: 'outpatient', name: 'Sita Devi Sharma', admitted_at: new Date(admitted.getTime() + 3_600_000).toISOString() })));
    expect((await runCli(['queue', 'import', tuesday, '--data-dir', dataDir])).code).toBe(0);
    const entries = await listed(dataDir);
    expect(entries.map((e) => [e.kind, e.patientName]).sort()).toEqual([
      ['inpatient', 'Sita Devi'],
      ['outpatient', 'Sita Devi Sharma'],
    ]);
  });
});

describe('queue import, found by the hostile review', () => {
  it("skips the rows of bare commas Excel leaves below the data", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'excel.csv');
    writeFileSync(file, [header, row(), ',,,,,,,,,,,,,', ',,,,,,,,,,,,,', ''].join('\r\n'));
    const result = await runCli(['queue', 'import', file, '--data-dir', dataDir]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Imported 1 registration(s)');
  });

  it('refuses a full Aadhaar number in transaction_id, and never prints it back', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'txn.csv');
    writeFileSync(file, [header, row({ verification_method: 'otp', confirmed_by: '', transaction_id: 'TXN-9999 4105 7058' })].join('\n'));
    const result = await runCli(['queue', 'import', file, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2: transaction_id: this holds an Aadhaar number/);
    expect(result.stdout + result.stderr).not.toMatch(/9999 4105 7058|999941057058/);
  });
});

describe('the CLI never echoes a full Aadhaar number', () => {
  it('in a usage error, an unknown command or a bad option value', async () => {
    const dataDir = tempDir();
    for (const args of [['queue', 'lookup', '999941057058'], ['queue', 'list', '--state', '9999-4105-7058', '--data-dir', dataDir], ['queue', 'list', '999941057058', '--data-dir', dataDir]]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout + result.stderr, args.join(' ')).not.toMatch(/9999.?4105.?7058/);
    }
  });

  it('queue list --limit takes a whole number from 1 to 500, as a usage error otherwise', async () => {
    const dataDir = tempDir();
    for (const limit of ['abc', '1.5', '-5', '0', '501']) {
      const result = await runCli(['queue', 'list', `--limit=${limit}`, '--data-dir', dataDir]);
      expect(result.code, limit).toBe(2);
      expect(result.stderr, limit).toMatch(/--limit must be a whole number from 1 to 500/);
    }
  });
});

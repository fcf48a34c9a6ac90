import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PatientInput, RegistrationInput, RegistrationKind, VerificationMethod } from '../../shared/contract/queue';
import { MitraError } from '../../shared/errors';
import { translate } from '../../shared/i18n';
import { inTransaction, type Db } from '../storage/database';
import { importOfFile } from '../storage/sql/imports';
import { registrationsWithFingerprint } from '../storage/sql/registrations';
import { registrationFingerprint } from './fingerprint';
import type { ParsedRegistration, QueueService } from './service';

export interface ImportProblem {
  /** CSV: the line in the file; JSON: the record's position (1-based). */
  line: number;
  /** The CSV column or the contract path; absent when the problem is the whole record. */
  field?: string;
  message: string;
}

export const CSV_COLUMNS = [
  'kind',
  'beneficiary_id',
  'name',
  'gender',
  'year_of_birth',
  'mobile',
  'state',
  'district',
  'aadhaar',
  'admitted_at',
  'verification_method',
  'confirmed_by',
  'transaction_id',
  'notes',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Where each CSV column lands in the contract's RegistrationInput (and back, to name columns in errors). */
const COLUMN_PATH: Record<CsvColumn, string> = {
  kind: 'kind',
  beneficiary_id: 'patient.beneficiaryId',
  name: 'patient.name',
  gender: 'patient.gender',
  year_of_birth: 'patient.yearOfBirth',
  mobile: 'patient.mobile',
  state: 'patient.state',
  district: 'patient.district',
  aadhaar: 'patient.aadhaar',
  admitted_at: 'admittedAt',
  verification_method: 'verification.method',
  confirmed_by: 'verification.confirmedBy',
  transaction_id: 'verification.transactionId',
  notes: 'notes',
};
const PATH_COLUMN = new Map<string, string>(Object.entries(COLUMN_PATH).map(([column, path]) => [path, column]));
// A paper record has no capture and no column for the family member's id: the portal's transaction id is how it proves verification.
PATH_COLUMN.set('verification.familyMemberId', 'transaction_id');
const CSV_MESSAGE: Record<string, string> = { 'verification.familyMemberId': "family-member on paper needs the portal's transaction id of the verification" };

/** What `mitra-desk queue import --help` says about each column; the accepted values come from the contract. */
export const CSV_COLUMN_HELP: Record<CsvColumn, string> = {
  kind: `required: ${RegistrationKind.options.join(' | ')}`,
  beneficiary_id: 'required: the PM-JAY beneficiary id (6-24 letters, digits or hyphens)',
  name: 'required: as on the card',
  gender: PatientInput.shape.gender.unwrap().options.join(' | '),
  year_of_birth: 'four digits, e.g. 1970',
  mobile: '10 digits starting with 6-9',
  state: 'required: two capital letters, e.g. BR',
  district: 'free text',
  aadhaar: '12 digits (only the last 4 are kept)',
  admitted_at: 'required: date and time in ISO 8601 with its offset, e.g. 2026-11-25T10:30:00+05:30 (at most 5 days ago)',
  verification_method: `required: ${VerificationMethod.options.join(' | ')}`,
  confirmed_by: 'for none-confirmed: who confirmed continuing without biometrics',
  transaction_id: "for any other method: the portal's transaction id of the verification",
  notes: 'free text',
};

export type ImportFormat = 'csv' | 'json';

/** A file to import: its bytes' digest (a file imported once is refused the second time) and its records with their lines. */
export interface ImportFile {
  path: string;
  fileName: string;
  sha256: string;
  format: ImportFormat;
  bytes: Buffer;
}

const blank = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** A CSV row (paper record) in the shape of the contract's RegistrationInput. */
function fromCsv(row: Record<string, string>): unknown {
  const year = blank(row.year_of_birth);
  return {
    kind: blank(row.kind),
    patient: {
      beneficiaryId: blank(row.beneficiary_id),
      name: blank(row.name),
      ...(blank(row.gender) ? { gender: blank(row.gender) } : {}),
      ...(year ? { yearOfBirth: Number(year) } : {}),
      ...(blank(row.mobile) ? { mobile: blank(row.mobile) } : {}),
      state: blank(row.state),
      ...(blank(row.district) ? { district: blank(row.district) } : {}),
      ...(blank(row.aadhaar) ? { aadhaar: blank(row.aadhaar) } : {}),
    },
    admittedAt: blank(row.admitted_at),
    verification: {
      method: blank(row.verification_method),
      ...(blank(row.confirmed_by) ? { confirmedBy: blank(row.confirmed_by) } : {}),
      ...(blank(row.transaction_id) ? { transactionId: blank(row.transaction_id) } : {}),
    },
    ...(blank(row.notes) ? { notes: blank(row.notes) } : {}),
  };
}

/** Read a file's bytes and digest; nothing is parsed yet. */
export function openImportFile(path: string): ImportFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new MitraError('import_unreadable', `${path}: ${(error as Error).message}`);
  }
  return { path, fileName: basename(path), sha256: createHash('sha256').update(bytes).digest('hex'), format: extname(path).toLowerCase() === '.json' ? 'json' : 'csv', bytes };
}

const SAVE_AS_UTF8 = 'In Excel, use Save As > "CSV UTF-8 (Comma delimited)" and import that file';

/** 1 + the number of line breaks (CRLF, LF or a lone CR) before `end`. */
function lineAt(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/** The first line that is not valid UTF-8 (line breaks never occur inside a UTF-8 sequence, so lines can be checked one by one). */
function firstBadLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return lineAt(bytes, start);
    }
    start = i + 1;
  }
  return lineAt(bytes, bytes.length);
}

/** The file's text: UTF-8 only (a leading byte-order mark is dropped); anything else is refused with where and how to fix it. */
export function decodeImportText(file: ImportFile): string {
  const { bytes, path } = file;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new MitraError('import_encoding', `${path}: the file is UTF-16 ("Unicode text"), not UTF-8. ${SAVE_AS_UTF8}.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MitraError(
      'import_encoding',
      `${path}: the file is not UTF-8 text: line ${firstBadLine(bytes)} has bytes that are not UTF-8 (probably Windows-1252, as Excel's plain "CSV (Comma delimited)" saves). ${SAVE_AS_UTF8}.`,
    );
  }
  if (text.includes('\u0000')) throw new MitraError('import_encoding', `${path}: line ${lineAt(bytes, bytes.indexOf(0))} holds NUL bytes: the file looks like UTF-16 without a byte-order mark. ${SAVE_AS_UTF8}.`);
  return text;
}

/** A CSV (header row with CSV_COLUMNS) or JSON (an array of registrations) file's records with their lines; rows that cannot even be read are problems. */
export function parseImportFile(file: ImportFile): { records: { line: number; record: unknown }[]; problems: ImportProblem[] } {
  const text = decodeImportText(file);
  const { path } = file;
  if (file.format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new MitraError('import_invalid', `${path}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new MitraError('import_invalid', `${path}: a JSON import is an array of registrations`);
    return { records: parsed.map((record, i) => ({ line: i + 1, record })), problems: [] };
  }
  let rows: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    rows = parse(text, {
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
      // Excel writes CRLF; a row added in another editor may end in LF (or an old Mac's CR).
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as never;
  } catch (error) {
    throw new MitraError('import_invalid', `${path}: not readable as CSV (${(error as Error).message})`);
  }
  // csv-parse reports the line a record ends on; a quoted field may span lines, so count where each starts.
  let previousEnd = 0;
  let previousEmpty = 0;
  const lines = rows.map(({ info }) => {
    const start = previousEnd + (info.empty_lines - previousEmpty) + 1;
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    return start;
  });
  const [headerRow, ...dataRows] = rows;
  if (!headerRow) throw new MitraError('import_invalid', `${path}: the file is empty`);
  const header = headerRow.record;
  const unknown = header.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  if (unknown.length) throw new MitraError('import_invalid', `${path}: unknown column(s) ${unknown.join(', ')}; expected ${CSV_COLUMNS.join(',')}`);
  const twice = header.filter((column, i) => header.indexOf(column) !== i);
  if (twice.length) throw new MitraError('import_invalid', `${path}: column(s) ${[...new Set(twice)].join(', ')} appear more than once in the header`);
  const records: { line: number; record: unknown }[] = [];
  const problems: ImportProblem[] = [];
  dataRows.forEach(({ record }, i) => {
    const line = lines[i + 1]!;
    // Excel leaves rows of bare commas below the data: nothing typed, nothing to import.
    if (record.every((value) => value.trim() === '')) return;
    if (record.length !== header.length) {
      problems.push({ line, message: `has ${record.length} columns, the header has ${header.length} (a comma inside a value needs "quotes")` });
      return;
    }
    records.push({ line, record: fromCsv(Object.fromEntries(header.map((column, c) => [column, record[c]!]))) });
  });
  return { records, problems };
}

/** CSV problems name the file's own columns; JSON problems keep the contract's paths. */
function fieldName(format: ImportFormat, path: string): string | undefined {
  if (path === '') return undefined;
  return format === 'csv' ? (PATH_COLUMN.get(path) ?? path) : path;
}

/** The desk's own refusal (service.check) as a problem on the field it is about, in English. */
function checkProblem(format: ImportFormat, line: number, input: ParsedRegistration, error: unknown): ImportProblem {
  if (!(error instanceof MitraError)) return { line, message: (error as Error).message };
  const at = (path: string) => fieldName(format, path);
  switch (error.code) {
    case 'admission_too_old':
    case 'admission_in_future':
      return { line, field: at('admittedAt')!, message: translate('en', error.messageKey, error.params) };
    case 'verification_missing':
      return {
        line,
        field: at('verification.transactionId')!,
        message: `${input.verification.method} on paper needs the portal's transaction id of the verification (or ${at('verification.method')} none-confirmed with ${at('verification.confirmedBy')})`,
      };
    default:
      return { line, message: translate('en', error.messageKey, error.params) };
  }
}

/** A local date and time with its offset, for telling people when something happened on this desk. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} (UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)})`;
}

/** Refuse a file whose exact bytes were imported before, naming that import. */
function refuseSameFile(db: Db, file: ImportFile): void {
  const earlier = importOfFile(db, file.sha256);
  if (earlier)
    throw new MitraError(
      'import_duplicate',
      `${file.path}: this file was already imported on ${localTime(earlier.at)} as "${earlier.fileName}" (${earlier.records} registration(s)); nothing imported`,
    );
}

/** Rows that repeat an earlier row of the file or a registration already on this desk (same kind, beneficiary, state and admission minute). */
function duplicates(db: Db, rows: { line: number; input: ParsedRegistration }[]): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (const { line, input } of rows) {
    const fingerprint = registrationFingerprint({ kind: input.kind, beneficiaryId: input.patient.beneficiaryId, state: input.patient.state, admittedAt: input.admittedAt });
    const first = seen.get(fingerprint);
    if (first !== undefined) problems.push({ line, message: `repeats line ${first} (same kind, beneficiary, state and admission time)` });
    else seen.set(fingerprint, line);
    const earlier = registrationsWithFingerprint(db, fingerprint)[0];
    if (earlier)
      problems.push({
        line,
        message: `already on this desk (same kind, beneficiary, state and admission time): ${
          earlier.importFile !== null && earlier.importAt !== null ? `imported from "${earlier.importFile}" on ${localTime(earlier.importAt)}` : `recorded at the desk on ${localTime(earlier.createdAt)}`
        }`,
      });
  }
  return problems;
}

/**
 * Import a file all or nothing: refuse a file imported before, then check every record against
 * the contract, the desk's rules and duplicates; write all of them (linked to this file) in one
 * transaction only if none has a problem. Returns the problems (nothing written) or the new ids.
 */
export function importFile(service: QueueService, db: Db, path: string): { problems: ImportProblem[]; ids: string[] } {
  const file = openImportFile(path);
  refuseSameFile(db, file);
  const { records, problems } = parseImportFile(file);
  if (records.length === 0 && problems.length === 0) throw new MitraError('import_invalid', `${path}: no records`);
  const valid: { line: number; input: ParsedRegistration }[] = [];
  for (const { line, record } of records) {
    const parsed = RegistrationInput.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.join('.');
        const field = fieldName(file.format, path);
        const csv = file.format === 'csv';
        const missing = csv && issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
        problems.push({ line, ...(field ? { field } : {}), message: missing ? 'required, but blank' : ((csv && CSV_MESSAGE[path]) || issue.message) });
      }
      continue;
    }
    try {
      service.check(parsed.data);
      valid.push({ line, input: parsed.data });
    } catch (error) {
      problems.push(checkProblem(file.format, line, parsed.data, error));
    }
  }
  // Checked and written in one transaction: a second import of the same file at the same moment finds this one.
  return inTransaction(db, () => {
    refuseSameFile(db, file);
    problems.push(...duplicates(db, valid));
    if (problems.length) return { problems: problems.sort((a, b) => a.line - b.line), ids: [] };
    return { problems: [], ids: service.record(valid.map((v) => v.input), 'import', { fileName: file.fileName, sha256: file.sha256 }) };
  });
}

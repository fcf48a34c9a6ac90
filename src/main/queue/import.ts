import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { RegistrationInput } from '../../shared/contract/queue';
import { MitraError } from '../../shared/errors';
import type { ParsedRegistration, QueueService } from './service';

export interface ImportProblem {
  /** CSV: the line in the file; JSON: the record's position (1-based). */
  line: number;
  field: string;
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

/** Read a CSV (header row with CSV_COLUMNS) or JSON (an array of registrations) file into records with their line numbers. */
export function readImportFile(file: string): { line: number; record: unknown }[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MitraError('import_unreadable', `${file}: ${(error as Error).message}`);
  }
  if (extname(file).toLowerCase() === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new MitraError('import_invalid', `${file}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new MitraError('import_invalid', `${file}: a JSON import is an array of registrations`);
    return parsed.map((record, i) => ({ line: i + 1, record }));
  }
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }) as never;
  } catch (error) {
    throw new MitraError('import_invalid', `${file}: not readable as CSV (${(error as Error).message})`);
  }
  const header = Object.keys(rows[0]?.record ?? {});
  const unknown = header.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  if (unknown.length) throw new MitraError('import_invalid', `${file}: unknown column(s) ${unknown.join(', ')}; expected ${CSV_COLUMNS.join(',')}`);
  return rows.map(({ record, info }) => ({ line: info.lines, record: fromCsv(record) }));
}

/**
 * Check every record against the contract and the desk's rules; write all of them in one
 * transaction only if every one is valid. Returns the problems (nothing written) or the new ids.
 */
export function importRecords(service: QueueService, records: { line: number; record: unknown }[]): { problems: ImportProblem[]; ids: string[] } {
  const problems: ImportProblem[] = [];
  const valid: ParsedRegistration[] = [];
  for (const { line, record } of records) {
    const parsed = RegistrationInput.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line, field: issue.path.join('.') || '(record)', message: issue.message });
      continue;
    }
    try {
      service.check(parsed.data);
      valid.push(parsed.data);
    } catch (error) {
      problems.push({ line, field: 'record', message: (error as Error).message });
    }
  }
  if (problems.length || valid.length === 0) return { problems: records.length === 0 ? [{ line: 0, field: '(file)', message: 'no records' }] : problems, ids: [] };
  return { problems: [], ids: service.record(valid, 'import') };
}

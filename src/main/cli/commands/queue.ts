import { RegistrationState } from '../../../shared/contract/queue';
import { CSV_COLUMN_HELP, CSV_COLUMNS, importFile } from '../../queue/import';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { parseIntOption, printable, printJson, say } from '../output';
import { cliQueue, openCliStore } from '../store';

const status: Command = {
  summary: 'counts by state and the oldest waiting entry',
  usage: 'mitra-desk queue status [--json] [--data-dir DIR]',
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { json: { type: 'boolean' } });
    const store = await openCliStore(context, values['data-dir']);
    try {
      const summary = cliQueue(store).summary();
      if (values.json) printJson(context.stdout, summary);
      else {
        for (const state of RegistrationState.options) writeLine(context.stdout, `${state.padEnd(20)} ${summary.counts[state]}`);
        writeLine(context.stdout, `oldest waiting       ${summary.oldestPendingAt ?? '-'}`);
        writeLine(context.stdout, `last delivered       ${summary.lastDeliveryAt ?? '-'}`);
        for (const c of summary.cancelled) {
          writeLine(context.stdout, `CANCELLED BY PORTAL  ${printable(c.patientName)} ${printable(c.portalRef ?? '')} (${c.id})`);
          if (c.cancelledReason) writeLine(context.stdout, `  portal's reason: ${printable(c.cancelledReason)}`);
        }
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

const list: Command = {
  summary: 'the registrations, newest problems first',
  usage: `mitra-desk queue list [--state ${RegistrationState.options.join('|')}] [--limit N] [--json] [--data-dir DIR]`,
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { json: { type: 'boolean' }, state: { type: 'string' }, limit: { type: 'string' } });
    const state = values.state === undefined ? undefined : RegistrationState.safeParse(values.state);
    const limit = parseIntOption('limit', values.limit, 500, 1, 500);
    if (state && !state.success) throw new UsageError(`--state must be one of ${RegistrationState.options.join(', ')}`);
    const store = await openCliStore(context, values['data-dir']);
    try {
      const entries = cliQueue(store).list(state?.data, limit);
      if (values.json) printJson(context.stdout, entries);
      else
        for (const e of entries)
          writeLine(
            context.stdout,
            [e.id, e.state, e.kind, e.patientName, e.portalRef ?? '-', `${e.attempts} attempts`, e.lastError ? say('en', e.lastError) : ''].map(printable).join('\t'),
          );
      return 0;
    } finally {
      store.close();
    }
  },
};

const importCommand: Command = {
  summary: 'import registrations recorded on paper during an outage (CSV or JSON); all or nothing',
  usage: 'mitra-desk queue import FILE [--data-dir DIR]',
  help: [
    'Registrations written on paper while the portal was down: a CSV file (UTF-8, a header row, then',
    "one registration per line) or a JSON array in the contract's shape. All or nothing: every row is",
    'checked first; if any row has a problem, each problem is reported by line and nothing is written.',
    'A file imported before is refused, and so is a row that repeats another row or a registration',
    'already on this desk (same kind, beneficiary, state and admission time).',
    '',
    'CSV columns (header names as below, any order; a blank cell is "not given"):',
    ...CSV_COLUMNS.map((column) => `  ${column.padEnd(20)} ${CSV_COLUMN_HELP[column]}`),
    '',
    'Save from Excel as "CSV UTF-8 (Comma delimited)". Line endings may be CRLF, LF or CR.',
  ].join('\n'),
  async run(context) {
    const { values, positionals } = parseCommandArgs(context.argv, {}, true);
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw new UsageError('give exactly one file: mitra-desk queue import FILE');
    const store = await openCliStore(context, values['data-dir']);
    try {
      const { problems, ids } = importFile(cliQueue(store), store.db, file);
      if (problems.length) {
        for (const p of problems) writeLine(context.stderr, printable(`line ${p.line}: ${p.field ? `${p.field}: ` : ''}${p.message}`));
        writeLine(context.stderr, `Nothing imported: ${problems.length} problem(s) in ${file}. Correct them and import the whole file again.`);
        return 1;
      }
      writeLine(context.stdout, `Imported ${ids.length} registration(s). They are queued and will be sent when the portal answers.`);
      return 0;
    } finally {
      store.close();
    }
  },
};

export const queueCommands: Record<string, Command> = {
  'queue status': status,
  'queue list': list,
  'queue import': importCommand,
};

import { RegistrationState } from '../../../shared/contract/queue';
import { importRecords, readImportFile } from '../../queue/import';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { printJson } from '../output';
import { cliQueue, openCliStore } from '../store';

const status: Command = {
  summary: 'counts by state and the oldest waiting entry',
  usage: 'mitra-desk queue status [--json] [--data-dir DIR]',
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { json: { type: 'boolean' } });
    const store = openCliStore(context, values['data-dir']);
    try {
      const summary = cliQueue(store).summary();
      if (values.json) printJson(context.stdout, summary);
      else {
        for (const state of RegistrationState.options) writeLine(context.stdout, `${state.padEnd(20)} ${summary.counts[state]}`);
        writeLine(context.stdout, `oldest waiting       ${summary.oldestPendingAt ?? '-'}`);
        writeLine(context.stdout, `last delivered       ${summary.lastDeliveryAt ?? '-'}`);
        for (const c of summary.cancelled) writeLine(context.stdout, `CANCELLED BY PORTAL  ${c.patientName} ${c.portalRef ?? ''} (${c.id})`);
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
    if (state && !state.success) throw new UsageError(`--state must be one of ${RegistrationState.options.join(', ')}`);
    const store = openCliStore(context, values['data-dir']);
    try {
      const entries = cliQueue(store).list(state?.data, Number(values.limit ?? 500));
      if (values.json) printJson(context.stdout, entries);
      else
        for (const e of entries)
          writeLine(context.stdout, [e.id, e.state, e.kind, e.patientName, e.portalRef ?? '-', `${e.attempts} attempts`, e.lastError?.key ?? ''].join('\t'));
      return 0;
    } finally {
      store.close();
    }
  },
};

const importCommand: Command = {
  summary: 'import registrations recorded on paper during an outage (CSV or JSON); all or nothing',
  usage: 'mitra-desk queue import FILE [--data-dir DIR]\n  CSV columns: kind,beneficiary_id,name,gender,year_of_birth,mobile,state,district,aadhaar,admitted_at,verification_method,confirmed_by,transaction_id,notes',
  async run(context) {
    const { values, positionals } = parseCommandArgs(context.argv, {}, true);
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw new UsageError('give exactly one file: mitra-desk queue import FILE');
    const records = readImportFile(file);
    const store = openCliStore(context, values['data-dir']);
    try {
      const { problems, ids } = importRecords(cliQueue(store), records);
      if (problems.length) {
        for (const p of problems) writeLine(context.stderr, `line ${p.line}: ${p.field}: ${p.message}`);
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

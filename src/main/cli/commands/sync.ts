import { Scheduler } from '../../base/scheduler';
import { PortalUrl } from '../../config/settings';
import { PortalClient } from '../../portal/client';
import { portalSetup } from '../../queue/start';
import { loadOrCreateKey } from '../../storage/secrets';
import { SyncEngine, type StopReason } from '../../sync/engine';
import { RegistrationWatchdog } from '../../sync/watchdog';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { parseIntOption, printable, say } from '../output';
import { cliQueue, openCliStore } from '../store';

const STOPPED_BY: Record<StopReason, string> = {
  deadline: 'the deadline passed',
  'desk-fault': '', // said by the fault line itself
  outage: 'the portal is not answering (its health check failed too); they will be sent when it returns',
  lease: 'another sync (the app?) is sending from this data directory',
  storage: 'the database cannot be used right now (locked by another program, or the disk is full)',
};

const DEFAULT_DEADLINE_MS = 10 * 60_000;

const FAULTS = {
  credentials: 'the portal refuses this desk\'s credentials (portal.clientId / clientSecret in settings.json)',
  certificate: 'the portal\'s certificate does not verify (expired, or the wrong server, or this computer\'s clock is wrong)',
  redirect: 'the portal address redirects elsewhere (check portal.url in settings.json)',
  address: 'the portal address does not offer the portal\'s login (check portal.url in settings.json)',
} as const;

export const syncCommand: Command = {
  summary: 'send the queue to the portal (once, until empty, or on and on)',
  usage: [
    'mitra-desk sync [--once | --until-empty [--deadline-ms N]] [--portal URL] [--data-dir DIR]',
    '  --once          one pass over what is due now',
    '  --until-empty   keep sending until the queue is empty, or until nothing more can be done now',
    '                  (the deadline, 10 minutes unless --deadline-ms says; an outage confirmed by a',
    '                  health check; refused credentials; ...)',
    '  Exit status: 0 when nothing this run had to send is left; 1 with a line saying what is left and why.',
  ].join('\n'),
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { once: { type: 'boolean' }, 'until-empty': { type: 'boolean' }, portal: { type: 'string' }, 'deadline-ms': { type: 'string' } });
    if (values.once && values['until-empty']) throw new UsageError('choose --once or --until-empty, not both');
    if (values.portal !== undefined) {
      // The same rule as settings.json: the secret and buffered PID blocks travel on this address.
      const checked = PortalUrl.safeParse(values.portal);
      if (!checked.success) throw new UsageError(`--portal ${JSON.stringify(values.portal)}: ${checked.error.issues[0]?.message ?? 'not a URL'}`);
    }
    // Without a deadline, --until-empty still ends: a portal whose health is fine but which keeps failing must not hold a terminal forever.
    const deadlineMs = parseIntOption('deadline-ms', values['deadline-ms'], DEFAULT_DEADLINE_MS, 1, 7 * 86_400_000);
    const store = await openCliStore(context, values['data-dir']);
    try {
      if (!values.portal && store.training) throw new UsageError('this desk is in training mode: its simulated portal runs inside the app. Pass --portal URL (for example of mitra-desk portal-sim).');
      const setup = portalSetup(store.settings, values.portal ?? null);
      const credentials = store.settings.portal.clientId ? { clientId: store.settings.portal.clientId, clientSecret: store.settings.portal.clientSecret } : setup.credentials;
      const client = new PortalClient({ baseUrl: values.portal ?? setup.baseUrl, credentials, timeoutMs: store.settings.portal.timeoutMs, log: store.log.scope('portal') });
      const scheduler = new Scheduler((task, error) => store.log.error(`${task} failed`, error));
      const engine = new SyncEngine({ db: store.db, client, pidKey: loadOrCreateKey(store.dataDir, 'pid-vault'), settings: setup.sync, hospitalState: setup.hospital.state, log: store.log.scope('sync'), scheduler });
      const queue = cliQueue(store);
      const startedAt = new Date().toISOString();
      const report = () => {
        const { counts } = queue.summary();
        writeLine(context.stdout, `registered ${counts.registered} · waiting ${counts.queued + counts.sending} · needs action ${counts['needs-action']}`);
      };
      /** Whatever this run could not deliver, one line each: the waiting backlog and the entries it sent to the operator. */
      const leftOver = (stoppedBy: StopReason | null): number => {
        let code = 0;
        const hold = engine.hold();
        const waiting = engine.pending();
        if (waiting > 0) {
          const why =
            hold && hold.reason in FAULTS
              ? FAULTS[hold.reason as keyof typeof FAULTS]
              : hold?.reason === 'rate-limited'
                ? `the portal asked the desk to wait until ${hold.until}`
                : stoppedBy
                  ? STOPPED_BY[stoppedBy]
                  : 'they wait for the next pass (run sync again, or leave it to the app)';
          writeLine(context.stderr, `${waiting} registration(s) not delivered: ${why}.`);
          code = 1;
        }
        const refused = queue.list('needs-action', 500).filter((entry) => entry.updatedAt >= startedAt);
        if (refused.length) {
          writeLine(context.stderr, `${refused.length} registration(s) need the operator (see mitra-desk queue list --state needs-action):`);
          for (const entry of refused) writeLine(context.stderr, `  ${entry.id}: ${entry.lastError ? printable(say('en', entry.lastError)) : ''}`);
          code = 1;
        }
        return code;
      };
      if (values.once) {
        const { leased } = await engine.runOnce();
        await engine.stop();
        report();
        if (!leased) {
          writeLine(context.stderr, `Nothing done: ${STOPPED_BY.lease}.`);
          return 1;
        }
        return leftOver(null);
      }
      if (values['until-empty']) {
        const { stoppedBy } = await engine.runUntilEmpty(Date.now() + deadlineMs);
        await engine.stop();
        report();
        return leftOver(stoppedBy);
      }
      const watchdog = new RegistrationWatchdog(
        { db: store.db, client, log: store.log.scope('watchdog'), portalDown: () => engine.hold() !== null, holdsLease: () => engine.holdLease(), onRateLimited: (ms) => engine.holdForRateLimit(ms), scheduler },
        store.settings.watchdog.pollSeconds * 1000,
      );
      engine.start();
      watchdog.start();
      writeLine(context.stdout, `syncing ${store.dataDir} to ${client.baseUrl} (Ctrl+C stops)`);
      const keepAlive = scheduler.repeat('sync report', 60_000, report, { keepAlive: true });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      keepAlive.cancel();
      watchdog.stop();
      await engine.stop();
      report();
      return 0;
    } finally {
      store.close();
    }
  },
};

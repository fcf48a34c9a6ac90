import { PortalClient } from '../../portal/client';
import { portalSetup } from '../../queue/start';
import { loadOrCreateKey } from '../../storage/secrets';
import { SyncEngine } from '../../sync/engine';
import { RegistrationWatchdog } from '../../sync/watchdog';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { parseIntOption } from '../output';
import { cliQueue, openCliStore } from '../store';

export const syncCommand: Command = {
  summary: 'send the queue to the portal (once, until empty, or on and on)',
  usage: 'mitra-desk sync [--once | --until-empty] [--portal URL] [--deadline-ms N] [--data-dir DIR]',
  async run(context) {
    const { values } = parseCommandArgs(context.argv, { once: { type: 'boolean' }, 'until-empty': { type: 'boolean' }, portal: { type: 'string' }, 'deadline-ms': { type: 'string' } });
    if (values.once && values['until-empty']) throw new UsageError('choose --once or --until-empty, not both');
    if (values.portal) {
      try {
        new URL(values.portal);
      } catch {
        throw new UsageError(`--portal must be a URL, not "${values.portal}"`);
      }
    }
    const deadlineMs = parseIntOption('deadline-ms', values['deadline-ms'], 0, 0, 7 * 86_400_000);
    const store = openCliStore(context, values['data-dir']);
    try {
      if (!values.portal && store.training) throw new UsageError('this desk is in training mode: its simulated portal runs inside the app. Pass --portal URL (for example of mitra-desk portal-sim).');
      const setup = portalSetup(store.settings, values.portal ?? null);
      const credentials = store.settings.portal.clientId ? { clientId: store.settings.portal.clientId, clientSecret: store.settings.portal.clientSecret } : setup.credentials;
      const client = new PortalClient({ baseUrl: values.portal ?? setup.baseUrl, credentials, timeoutMs: store.settings.portal.timeoutMs, log: store.log.scope('portal') });
      const engine = new SyncEngine({ db: store.db, client, pidKey: loadOrCreateKey(store.dataDir, 'pid-vault'), settings: setup.sync, hospitalState: setup.hospital.state, log: store.log.scope('sync') });
      const queue = cliQueue(store);
      const report = () => {
        const { counts } = queue.summary();
        writeLine(context.stdout, `registered ${counts.registered} · waiting ${counts.queued + counts.sending} · needs action ${counts['needs-action']}`);
      };
      if (values.once) {
        const { leased } = await engine.runOnce();
        if (!leased) writeLine(context.stderr, 'another sync (the app?) is sending from this data directory; nothing done');
        report();
        await engine.stop();
        return leased ? 0 : 1;
      }
      if (values['until-empty']) {
        const left = await engine.runUntilEmpty(deadlineMs ? Date.now() + deadlineMs : undefined);
        await engine.stop();
        report();
        return left === 0 ? 0 : 1;
      }
      const watchdog = new RegistrationWatchdog({ db: store.db, client, log: store.log.scope('watchdog'), portalDown: () => engine.breaker.state === 'open', holdsLease: () => engine.holdLease() }, store.settings.watchdog.pollSeconds * 1000);
      engine.start();
      watchdog.start();
      writeLine(context.stdout, `syncing ${store.dataDir} to ${client.baseUrl} (Ctrl+C stops)`);
      const keepAlive = setInterval(report, 60_000);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(keepAlive);
      watchdog.stop();
      await engine.stop();
      report();
      return 0;
    } finally {
      store.close();
    }
  },
};

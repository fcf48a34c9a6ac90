import { startPortalSimulator } from '../../portal/simulator/server';
import { parseDuration, parseFaults } from '../../portal/simulator/faults';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { parseIntOption } from '../output';

export const portalSimCommand: Command = {
  summary: 'run the portal simulator (the portal contract with synthetic data and field failures)',
  usage:
    'mitra-desk portal-sim --port P [--faults SPEC] [--lifetime 4h] [--seed N]\n' +
    '  faults: outage, slow=MS, timeout, 5xx=SHARE, 5xx-burst=N, 429=N:SECONDS, state-missing=XX, token-ttl=S, malformed=SHARE, credentials\n' +
    '  change them while it runs: curl -X POST localhost:P/__sim/faults -d \'{"spec":"outage"}\'',
  async run({ argv, stdout }) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, faults: { type: 'string' }, lifetime: { type: 'string' }, seed: { type: 'string' } });
    if (values.port === undefined) throw new UsageError('--port is required (0 picks a free port)');
    const port = parseIntOption('port', values.port, 0, 0, 65_535);
    const seed = parseIntOption('seed', values.seed, 1, 0, 2 ** 31);
    let lifetimeMs: number;
    try {
      if (values.faults) parseFaults(values.faults);
      lifetimeMs = parseDuration(values.lifetime ?? '4h');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const sim = await startPortalSimulator({ port, seed, lifetimeMs, ...(values.faults ? { faults: values.faults } : {}) });
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    writeLine(stdout, `Portal simulator listening on ${sim.url} (seed ${seed}, ${sim.families.length} families, lifetime ${values.lifetime ?? '4h'}${values.faults ? `, faults ${values.faults}` : ''}; Ctrl+C stops)`);
    await stopped;
    await sim.close();
    return 0;
  },
};

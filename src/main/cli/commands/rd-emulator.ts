import { readFileSync } from 'node:fs';
import { startRdEmulator } from '../../device/emulator/server';
import { PROFILE_NAMES, DEFAULT_PROFILE } from '../../device/emulator/profiles';
import { EmulatorScript } from '../../device/emulator/script';
import { parseCommandArgs, UsageError, writeLine, type Command } from '../command';
import { parseIntOption } from '../output';

export const rdEmulatorCommand: Command = {
  summary: 'run an emulated RD service (for development, training and tests)',
  usage: `mitra-desk rd-emulator --port P [--https] [--profile ${PROFILE_NAMES.join('|')}] [--script FILE]`,
  async run({ argv, stdout }) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, https: { type: 'boolean' }, profile: { type: 'string' }, script: { type: 'string' } });
    if (values.port === undefined) throw new UsageError('--port is required (0 picks a free port)');
    const port = parseIntOption('port', values.port, 0, 0, 65_535);
    const profile = values.profile ?? DEFAULT_PROFILE;
    if (!PROFILE_NAMES.includes(profile)) throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
    let script: unknown = {};
    if (values.script) {
      try {
        script = JSON.parse(readFileSync(values.script, 'utf8'));
      } catch (error) {
        throw new UsageError(`--script ${values.script}: ${(error as Error).message}`);
      }
      const checked = EmulatorScript.safeParse(script);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new UsageError(`--script ${values.script}: field "${issue?.path.join('.')}": ${issue?.message}`);
      }
    }
    const emulator = await startRdEmulator({ port, https: values.https ? true : undefined, profile, script: script as never });
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    writeLine(stdout, `RD emulator "${emulator.profile.name}" (${emulator.profile.label}) listening on ${emulator.origin} (emulated device, serial ${emulator.device.serial}; Ctrl+C stops)`);
    await stopped;
    await emulator.close();
    return 0;
  },
};

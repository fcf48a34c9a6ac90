import { loadCatalogue } from '../../device/catalogue';
import { udevRules } from '../../device/udev';
import { parseCommandArgs, type Command } from '../command';

export const udevRulesCommand: Command = {
  summary: 'print the udev rules for every device in the catalogue (Linux, non-root access)',
  usage: 'mitra-desk udev-rules > /etc/udev/rules.d/70-mitra-desk-scanners.rules',
  async run(context) {
    parseCommandArgs(context.argv, {});
    context.stdout.write(udevRules(loadCatalogue(context.paths.resourcesDir)));
    return 0;
  },
};

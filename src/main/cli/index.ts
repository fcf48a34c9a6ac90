/** Entry of the `mitra-desk` bin (bin/mitra-desk.js imports the built copy of this file). */
import { appPathsFrom, appRootFromBundle } from '../app/paths';
import { main } from './main';

const paths = appPathsFrom(appRootFromBundle(import.meta.url));
main(process.argv.slice(2), { paths, env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mitra-desk failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

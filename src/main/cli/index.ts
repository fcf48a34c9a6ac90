/** Entry of the `mitra-desk` bin (bin/mitra-desk.js imports the built copy of this file). */
import { maskAadhaarLike } from '../../shared/aadhaar/mask';
import { appPathsFrom, appRootFromBundle } from '../app/paths';
import { main } from './main';

/*
 * A reader that stops early (`mitra-desk queue list | head -3`) closes the pipe: that ends the
 * command quietly, as SIGPIPE ends other programs, instead of an unhandled EPIPE stack trace.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

const paths = appPathsFrom(appRootFromBundle(import.meta.url));
main(process.argv.slice(2), { paths, env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mitra-desk failed: ${maskAadhaarLike(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = 1;
  },
);

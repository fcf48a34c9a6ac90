/** Runs every benchmark in turn (light: two cores). `npm run bench`, or one file with `npx tsx bench/<file>.ts`. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const files = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'lib.ts').sort();
for (const file of files) {
  console.log(`\n=== ${file}`);
  await import(join(here, file));
}

#!/usr/bin/env node
// The `mitra-desk` command: runs the built CLI bundle (out/main/cli.js).
import { existsSync } from 'node:fs';

const entry = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Mitra Desk is not built yet. Run: npm run build\n');
  process.exit(1);
}
await import(entry.href);

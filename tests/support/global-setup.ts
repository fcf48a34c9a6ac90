import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** CLI and web-host tests run the built bundles: build first when they are missing or stale. */
export default function setup(): void {
  const built = join(repoRoot, 'out', 'main', 'cli.js');
  const stale = !existsSync(built) || statSync(built).mtimeMs < newestMtime(join(repoRoot, 'src'));
  if (stale) execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'ignore' });
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

const IMPORTS_ELECTRON = /(?:^|\n)\s*import\s+(?!type\b)[^;]*?from\s+['"]electron(?:\/[^'"]*)?['"]|require\(\s*['"]electron['"]\s*\)/;

describe('process boundaries', () => {
  const files = sources(join(repoRoot, 'src')).map((file) => ({ file: relative(repoRoot, file), text: readFileSync(file, 'utf8') }));

  it('only the Electron entry files import electron (type-only imports aside)', () => {
    const importing = files.filter(({ text }) => IMPORTS_ELECTRON.test(text)).map(({ file }) => file).sort();
    expect(importing).toEqual(['src/main/electron/app.ts', 'src/main/electron/protocol.ts', 'src/main/electron/window.ts', 'src/preload/index.ts']);
  });

  it('shared code imports neither Node built-ins nor another process', () => {
    const offenders = files
      .filter(({ file }) => file.startsWith('src/shared/'))
      .filter(({ text }) => /from\s+['"](node:|\.\.\/(?:\.\.\/)?(main|renderer|preload)\/)/.test(text));
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });

  it('the renderer never reaches into main or preload', () => {
    const offenders = files.filter(({ file }) => file.startsWith('src/renderer/')).filter(({ text }) => /from\s+['"](node:|electron|.*\/(main|preload)\/)/.test(text));
    expect(offenders.map(({ file }) => file)).toEqual([]);
  });
});

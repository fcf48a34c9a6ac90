import { resolve } from 'node:path';
import { appPathsFrom } from '../../src/main/app/paths';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const appPaths = appPathsFrom(repoRoot);
export const cliBin = resolve(repoRoot, 'bin', 'mitra-desk.js');

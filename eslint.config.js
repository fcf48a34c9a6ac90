import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries: renderer -> shared <- preload/main. Only the Electron entry files
 * (src/main/electron, src/preload) may import `electron`; shared code runs in the browser too,
 * so it may not import Node built-ins.
 */
// Type-only imports are erased at build time, so they may name Electron's types anywhere.
const electron = { name: 'electron', message: 'Only src/main/electron/* and src/preload may import electron.', allowTypeImports: true };
const restrict = (patterns, paths = [electron]) => ['error', { paths, patterns }];

export default defineConfig(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': restrict(['electron/*', '**/renderer/**']),
    },
  },
  {
    // Timers and event callbacks in the main process go through the guarded scheduler, so none can
    // throw out of the process; a timer that only settles a promise says so where it is written.
    files: ['src/main/**'],
    ignores: ['src/main/base/scheduler.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use the Scheduler or sleep() from src/main/base/scheduler.ts.' },
        { name: 'setInterval', message: 'Use Scheduler.repeat() from src/main/base/scheduler.ts.' },
      ],
    },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['**/renderer/**'], []) },
  },
  {
    files: ['src/shared/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['electron/*', 'node:*', '**/main/**', '**/renderer/**', '**/preload/**']) },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': restrict(['electron/*', 'node:*', '**/main/**', '**/preload/**']),
    },
  },
);

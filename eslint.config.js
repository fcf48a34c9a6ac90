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

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

/**
 * Layers inside src/main, lowest first (in the spirit of VS Code's code-layering rule). A folder
 * may import its own layer's folder and any lower layer, never a higher one or a peer: base is
 * what everything may use; electron and cli are the shells on top.
 */
export const MAIN_LAYERS = [
  ['base'],
  ['logging', 'security', 'config'],
  ['storage', 'contract'],
  ['health', 'webhost'],
  ['device', 'portal'],
  ['sync'],
  ['queue'],
  ['app'],
  ['electron', 'cli'],
];

/** The import rule for one folder of src/main: Electron and the renderer as everywhere, plus its layer's limits. */
function mainFolderRule(folder) {
  const level = MAIN_LAYERS.findIndex((layer) => layer.includes(folder));
  const forbidden = MAIN_LAYERS.flatMap((layer, i) => (i > level ? layer : i === level ? layer.filter((peer) => peer !== folder) : []));
  const patterns = ['electron/*', '**/renderer/**'].map((group) => ({ group: [group], message: 'Only src/main/electron/* and src/preload may import electron; main never imports the renderer.' }));
  if (forbidden.length)
    patterns.push({
      // Relative imports climbing out of this folder into a higher layer or a peer (src/main/<folder>/...).
      regex: `^(?:\\.\\.?/+)*\\.\\./+(?:\\.\\.?/+)*(?:main/+)?(?:${forbidden.join('|')})(?:/|$)`,
      message: `src/main/${folder} is in layer ${level} of ${MAIN_LAYERS.map((l) => l.join('+')).join(' < ')}: it may not import ${forbidden.join(', ')}.`,
    });
  return {
    files: [`src/main/${folder}/**`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: folder === 'electron' ? [] : [electron], patterns }] },
  };
}

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
      // Our own modules are imported statically, where the layer rule sees them (packages may load lazily).
      'no-restricted-syntax': [
        'error',
        { selector: "ImportExpression[source.type='Literal'][source.value=/^[.\\/]/]", message: 'Import our own modules statically: the layer rule checks static imports.' },
        { selector: 'TSImportType', message: "Use 'import type' instead of typeof import(): the layer rule checks imports." },
      ],
    },
  },
  ...MAIN_LAYERS.flat().map(mainFolderRule),
  {
    files: ['src/preload/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['**/renderer/**'], []) },
  },
  {
    files: ['src/shared/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['electron/*', 'node:*', '**/main/**', '**/renderer/**', '**/preload/**']) },
  },
  {
    // Component tests render the renderer's own modules in a DOM.
    files: ['tests/renderer/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['electron/*', '**/main/**', '**/preload/**']) },
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

import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// The main bundle runs both inside Electron (its own Node) and under the plain Node of
// a support machine (CLI, web host, simulators), so it targets the older of the two.
const nodeTarget = 'node20.19';

export default defineConfig({
  main: {
    build: {
      target: nodeTarget,
      rolldownOptions: {
        input: {
          electron: resolve('src/main/electron/app.ts'),
          cli: resolve('src/main/cli/index.ts'),
        },
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      target: nodeTarget,
      // A sandboxed preload can require nothing but electron: bundle what it imports (the zod-free
      // contract/names list, not the schemas; tests/unit/preload.test.ts keeps it under 5 KB).
      externalizeDeps: false,
      // Sandboxed preloads cannot be ES modules.
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: '/',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      target: 'chrome130',
      minify: true,
      rolldownOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: keep it light.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        // Node: main process, shared code, CLI and integration (real SQLite, real HTTP).
        extends: true,
        test: {
          name: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
      {
        // Renderer components and hooks in a DOM (happy-dom), with a fake client: no build, no main process.
        extends: true,
        test: {
          name: 'renderer',
          include: ['tests/renderer/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['tests/renderer/setup.ts'],
        },
      },
    ],
  },
});

// Vitest projects: fast unit tests (no engine) and integration tests against the real Docker engine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // tests/unit mirrors the source tree: the test of server/x/y.ts is tests/unit/server/x/y.test.ts.
          include: ['tests/unit/**/*.test.ts', 'tests/content/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // One engine, two cores: integration files share sandboxes' resources, run them in turn.
          fileParallelism: false,
        },
      },
    ],
  },
});

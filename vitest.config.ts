import { defineConfig } from 'vitest/config';

// Two projects: pure tests beside the code, and the database suite (`*.int.test.ts`) that runs against PGlite by
// default and against PostgreSQL when DATABASE_URL is set (`.ci/run` runs it twice).
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'db', include: ['apps/*/src/**/*.int.test.ts', 'apps/*/test/**/*.int.test.ts'] },
      },
      {
        // Browser journeys (issue #7): chromium against CareLoop as `npm start` runs it, on the production build.
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/web/e2e/**/*.e2e.test.ts'],
          globalSetup: ['apps/web/e2e/setup.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});

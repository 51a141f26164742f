import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      // Across packages and services: end-to-end tests and checks of the repository's own rules.
      'test/**/*.test.ts',
    ],
    // Integration tests start their own nats-server and worker processes: two cores, so few at once.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/vitest/plain-summary.ts'],
  },
});

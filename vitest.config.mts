import { defineConfig } from 'vitest/config';

// Test files start real Python workers and train real agents: on two cores they run one
// file at a time, with time for torch to import and SB3 to train small budgets.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});

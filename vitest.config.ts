import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Many files spend their time waiting on child processes, SMTP stalls and timeouts rather than on the CPU: three
    // at a time keep two cores busy (vitest would otherwise run one file at a time here).
    maxWorkers: 3,
  },
});

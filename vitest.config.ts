import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    globalSetup: ['test/setup/build-cli.ts'],
    // A guard against hangs, not a speed check: the property and replay tests take seconds on a quiet
    // machine and several times that on a shared 2-core one (load average 15 seen), where 30 s timed out.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

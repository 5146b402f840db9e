import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Generous: CI shares two cores with every package's suite. Hang guards, not speed checks.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});

import { defineConfig } from 'vitest/config';

export interface PackageTestOptions {
  /** Per test (default 30 s). */
  testTimeout?: number;
  /** Files of src/ that coverage leaves out, besides the tests. */
  coverageExclude?: readonly string[];
}

/**
 * Every package's test settings, in one place so the packages do not drift
 * apart: tests in src/ and test/, v8 coverage of src/ with summaries for CI,
 * and generous timeouts. CI runs every suite on two shared cores, and many
 * tests start real servers, processes and databases; the timeouts guard
 * against hangs, they are not speed checks.
 */
export function packageTestConfig(options: PackageTestOptions = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 30_000,
      coverage: {
        provider: 'v8',
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.test.ts', ...(options.coverageExclude ?? [])],
        reporter: ['text-summary', 'json-summary'],
      },
    },
  });
}

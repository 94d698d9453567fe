import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The test files of a worker share its modules instead of loading them again per file: PostgreSQL's parser,
    // the tree-sitter grammars, typescript-eslint and the rules load once per worker, not once per file (most of
    // an in-process test file's time). No test file changes the process's state (env, cwd, module mocks).
    isolate: false,
    // One PostgreSQL server per major version for the run, started when a test file first asks (test/helpers/postgres.ts).
    globalSetup: ['test/helpers/postgres-global.ts'],
    // As many test files at once as there are cores (vitest's default leaves one free: a single file at a time on
    // 2 cores). Much of the suite waits on child processes (the CLI, git, pre-commit, PostgreSQL, Chromium), so the
    // cores stay busy. VITEST_MAX_WORKERS or --maxWorkers overrides it.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});

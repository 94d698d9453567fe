import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files (seconds each on a quiet 2-core machine), started first. vitest orders files by the durations
 * of the last run (node_modules/.vite/vitest), longest first; a clean clone has none, and then vitest runs the largest
 * files first, which put the PostgreSQL fix proof (a short file, a minute long) at the end, alone on one core.
 */
const LONGEST = ['test/playground.test.ts', 'test/fix-proof.pg.test.ts', 'test/cli/pre-commit.test.ts', 'test/cli.test.ts', 'test/cli/edges.test.ts'];

/** vitest's order, with the longest files first when the last run's durations are unknown. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const known = (f: TestSpecification) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`);
    const rank = (f: TestSpecification) => {
      const i = LONGEST.indexOf(path.relative(this.ctx.config.root, f.moduleId).split(path.sep).join('/'));
      return i >= 0 && !known(f) ? i : LONGEST.length;
    };
    return sorted
      .map((f, i) => ({ f, i, r: rank(f) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.f);
  }
}

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
    sequence: { sequencer: LongestFirst },
  },
});

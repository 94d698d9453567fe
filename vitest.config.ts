import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files, longest first (seconds each in a whole run on a 2-core machine: pre-commit 48, the trace 44,
 * the playground 37, the fix proof 32, the CLI 26, the lock claims 23, ci 21, cache 19, edges 18, the GitHub Action 18,
 * ESLint parity 17, code cache 15, deployed 14, parallel 10; every other file under 10), started first. vitest orders
 * files by the durations of the last run (node_modules/.vite/vitest), longest first; a clean clone has none, and then
 * vitest runs the largest files first, which put long short files (the PostgreSQL fix proof, the trace) at the end,
 * alone on one core.
 */
const LONGEST = [
  'test/cli/pre-commit.test.ts',
  'test/trace.pg.test.ts',
  'test/playground.test.ts',
  'test/fix-proof.pg.test.ts',
  'test/cli.test.ts',
  'test/locks.pg.test.ts',
  'test/cli/ci.test.ts',
  'test/cli/cache.test.ts',
  'test/cli/edges.test.ts',
  'test/cli/github-action.test.ts',
  'test/eslint/parity.test.ts',
  'test/cli/code-cache.test.ts',
  'test/cli/deployed.pg.test.ts',
  'test/cli/parallel.test.ts',
];

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
    // an in-process test file's time). No test file changes the process's state (env, cwd, module mocks) beyond a test: the in-process CLI (test/helpers/cli.ts) runs in the project's folder and gives the folder back.
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

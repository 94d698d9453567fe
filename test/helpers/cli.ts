/**
 * The CLI run in this process: main() with the arguments, folder, environment and standard input a spawned
 * `node bin/migralint.js` would get, and its exit code, stdout and stderr as the process would end with them. For
 * tests of what the CLI does (formats, options, caches, messages); what only the process shows (the bin wrapper, its
 * code cache, exit on a closed pipe, worker threads, the bundle) stays with tests that spawn bin/migralint.js. A
 * spawn costs about 0.2-0.4 s of CPU (node's start-up, loading the bundle, compiling the parser's WASM); a run here
 * reuses the worker's loaded modules.
 */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment the tests' spawned CLI gets: no colour, not in GitHub Actions, no database from the environment,
 * with `env` over it.
 */
export function cliEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', MIGRALINT_DATABASE_URL: '', ...env };
}

/** Runs `migralint <args>` in this process from `cwd`; an exception is reported as bin/migralint.js reports it (exit 2). */
export async function runCli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; input?: string | Buffer }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (s: string) => void (stdout += s),
    stderr: (s: string) => void (stderr += s),
    readStdin: async () => Buffer.from(opts.input ?? ''),
    env: cliEnv(opts.env),
  };
  let code: number;
  // The process's folder stays the test runner's: main() runs from `cwd` alone (test/cli/cwd.test.ts).
  try {
    code = await main(args, io, opts.cwd);
  } catch (error) {
    stderr += `migralint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`;
    code = 2;
  }
  return { code, stdout, stderr };
}

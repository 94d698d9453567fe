import yargs from 'yargs';
import { ConfigError } from '../config/load.js';
import { StatsError } from '../catalog/database.js';
import { explainRule, findRule, listRules } from './explain.js';
import { GitError } from './git.js';
import { CONFIG_FILE, InitError, runInit } from './init.js';
import { DEFAULT_STATS_FILE, runStats } from './stats.js';
import { runLint, UsageError, type IO } from './run.js';
import { migralintVersion } from '../version.js';

const defaultIO: IO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

function useColor(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

const colorOption = { type: 'boolean', describe: 'Colour output (default: when stdout is a TTY); --no-color turns it off' } as const;

/** The PostgreSQL major versions migralint knows (as config `pgVersion`). */
const PG_VERSIONS = { min: 9, max: 19 };

/** A whole number in [min, max] from an option's text, or a usage error naming the option. */
function integerOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number, ${min} or more` : `a whole number from ${min} to ${max}`;
    throw new UsageError(`${flag} expects ${range}, got '${text}'`);
  }
  return n;
}

/** The CLI. Returns the exit code: 0 clean, 1 lint errors, 2 usage / config / internal error (as ESLint). */
export async function main(argv: string[], io: IO = defaultIO, cwd = process.cwd()): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('migralint')
    .usage('$0 [paths..]\n\nLint PostgreSQL migrations: what will lock a table or fail at deploy time.')
    .command(
      '$0 [paths..]',
      'Lint migration files, directories or globs (no paths: the usual migration folders).',
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, default: [] as string[] })
          .option('format', {
            alias: 'f',
            type: 'string',
            default: 'stylish',
            describe: 'stylish | json | sarif | github | gitlab | junit | compact | markdown',
          })
          .option('output-file', { alias: 'o', type: 'string', describe: 'Write the report to a file' })
          .option('fix', { type: 'boolean', describe: 'Apply safe fixes to the files' })
          .option('fix-dry-run', { type: 'boolean', describe: 'Print the fixes as a unified diff, write nothing' })
          .option('fix-type', { type: 'string', array: true, choices: ['fix', 'suggestion'], describe: 'Which fixes --fix applies (default: fix)' })
          .option('config', { alias: 'c', type: 'string', describe: 'Use this config file instead of searching for one' })
          // One value per flag, as ESLint's: `--rule a:off file.sql` leaves file.sql a path.
          .option('rule', { type: 'string', array: true, nargs: 1, describe: 'Set a rule severity: <rule-id>:<off|info|warn|error>' })
          .option('pg-version', { type: 'string', describe: 'PostgreSQL major version the migrations run on (default 15)' })
          .option('framework', { type: 'string', describe: "Treat every file as this framework's" })
          .option('include-down', { type: 'boolean', describe: 'Lint down migrations too' })
          .option('max-warnings', { type: 'string', describe: 'Exit 1 when there are more warnings than this' })
          .option('quiet', { type: 'boolean', describe: 'Report errors only' })
          .option('color', colorOption)
          .option('stdin', { type: 'boolean', describe: 'Lint text from standard input' })
          .option('stdin-filename', { type: 'string', describe: 'The file name standard input is linted as' })
          .option('changed-since', { type: 'string', describe: 'Lint only migrations added or modified since the merge base with this git ref' })
          .option('staged', { type: 'boolean', describe: 'Lint only migrations staged in the git index' })
          .option('database-url', { type: 'string', describe: 'Read table sizes from this database, read-only (or MIGRALINT_DATABASE_URL)' })
          .option('stats', { type: 'string', describe: 'Read table sizes from a snapshot written by `migralint stats`' })
          .option('stats-optional', { type: 'boolean', describe: 'If the database or snapshot cannot be read, warn and lint without sizes' })
          .option('cache', { type: 'boolean', default: true, describe: 'Reuse results of unchanged files from earlier runs; --no-cache turns it off' })
          .option('cache-location', { type: 'string', describe: 'Directory of the cache (default node_modules/.cache/migralint)' })
          .conflicts('changed-since', 'staged'),
      async (args) => {
        code = await runLint(
          {
            paths: args.paths as string[],
            cwd,
            config: args.config,
            format: args.format,
            outputFile: args['output-file'],
            fix: args.fix,
            fixDryRun: args['fix-dry-run'],
            fixType: args['fix-type'] as ('fix' | 'suggestion')[] | undefined,
            rule: args.rule,
            pgVersion: integerOption('--pg-version', args['pg-version'], PG_VERSIONS.min, PG_VERSIONS.max),
            framework: args.framework,
            maxWarnings: integerOption('--max-warnings', args['max-warnings'], -1, Number.MAX_SAFE_INTEGER),
            quiet: args.quiet,
            color: useColor(args.color),
            stdin: args.stdin,
            stdinFilename: args['stdin-filename'],
            includeDown: args['include-down'],
            changedSince: args['changed-since'],
            staged: args.staged,
            databaseUrl: args['database-url'],
            stats: args.stats,
            statsOptional: args['stats-optional'],
            cache: args.cache,
            cacheLocation: args['cache-location'],
          },
          io,
        );
      },
    )
    .command(
      'rules',
      'List every rule with its default severity and fix kind.',
      (y) => y.option('color', colorOption),
      (args) => {
        io.stdout(listRules(useColor(args.color)));
      },
    )
    .command(
      'explain <rule>',
      "Show a rule's documentation: what, why, examples, fix safety.",
      (y) => y.positional('rule', { type: 'string', demandOption: true }).option('color', colorOption),
      (args) => {
        const meta = findRule(args.rule);
        if (!meta) throw new UsageError(`unknown rule '${args.rule}' (see \`migralint rules\`)`);
        io.stdout(explainRule(meta, useColor(args.color)));
      },
    )
    .command(
      'stats',
      'Write a snapshot of table sizes (rows, bytes, partitioning, invalid indexes) for --stats / config `stats`.',
      (y) =>
        y
          .option('database-url', { type: 'string', describe: 'The database to read, read-only (or MIGRALINT_DATABASE_URL)' })
          .option('output', { alias: 'o', type: 'string', default: DEFAULT_STATS_FILE, describe: 'Where to write the snapshot (- for stdout)' }),
      async (args) => {
        code = await runStats({ databaseUrl: args['database-url'], output: args.output, cwd }, io);
      },
    )
    .command(
      'trace [paths..]',
      'Run the migrations on a throwaway PostgreSQL the way their framework does, and report the locks they really take.',
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, default: [] as string[] })
          .option('format', {
            alias: 'f',
            type: 'string',
            default: 'stylish',
            describe: 'stylish | json | markdown (the review comment, its lock picture with the observed locks and hold times)',
          })
          .option('config', { alias: 'c', type: 'string', describe: 'Use this config file instead of searching for one' })
          .option('framework', { type: 'string', describe: "Treat every file as this framework's" })
          .option('pg-version', { type: 'string', describe: 'PostgreSQL major version of the embedded server (where a build is installed)' })
          .option('database-url', { type: 'string', describe: 'Trace on this scratch database instead of an embedded server' })
          .option('allow-nonempty', { type: 'boolean', describe: 'Trace on a --database-url that already has tables' })
          .option('schema', { type: 'string', describe: 'SQL run before the history (a schema dump), instead of stand-in tables' })
          .option('fix', {
            type: 'boolean',
            describe: 'Prove the safe fixes: trace the original and the fixed history (fixed in a temp copy, your files untouched)',
          })
          .option('seed-rows', {
            type: 'string',
            describe: 'Fill every table with N generated rows that fit its columns and constraints (FKs referenced-first)',
          })
          .option('progress', { type: 'boolean', describe: 'Show the migration being traced on stderr (default: when stderr is a TTY)' })
          .option('changed-since', {
            type: 'string',
            describe:
              'With --format markdown: review only migrations added or modified since the merge base with this git ref (the whole history is still traced)',
          })
          .option('stats', { type: 'string', describe: 'With --format markdown: table sizes for the review, from a snapshot written by `migralint stats`' })
          .option('color', colorOption),
      async (args) => {
        const { runTrace } = await import('./trace.js');
        code = await runTrace(
          {
            paths: args.paths as string[],
            cwd,
            config: args.config,
            framework: args.framework,
            format: args.format,
            databaseUrl: args['database-url'],
            allowNonempty: args['allow-nonempty'],
            pgVersion: integerOption('--pg-version', args['pg-version'], PG_VERSIONS.min, PG_VERSIONS.max),
            schema: args.schema,
            fix: args.fix,
            seedRows: integerOption('--seed-rows', args['seed-rows'], 0, 100_000_000),
            color: useColor(args.color),
            progress: args.progress ?? (process.stderr.isTTY === true && io === defaultIO),
            changedSince: args['changed-since'],
            stats: args.stats,
          },
          io,
        );
      },
    )
    .command(
      'schema [paths..]',
      "Print the catalog migralint replays from each project's migrations (as of the last one, or --at a file).",
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, default: [] as string[] })
          .option('at', { type: 'string', describe: 'Show the catalog as it stands after this migration' })
          .option('config', { alias: 'c', type: 'string', describe: 'Use this config file instead of searching for one' })
          .option('framework', { type: 'string', describe: "Treat every file as this framework's" })
          .option('json', { type: 'boolean', describe: 'Print the model as JSON' }),
      async (args) => {
        const { runSchema } = await import('./schema.js');
        code = await runSchema({ paths: args.paths as string[], cwd, at: args.at, config: args.config, framework: args.framework, json: args.json }, io);
      },
    )
    .command(
      'init',
      'Write a starter .migralintrc.json, its baseline at the newest migration (the ones there now are deployed: not linted, never fixed); with --hook, a git pre-commit hook that lints staged migrations.',
      (y) => y.option('hook', { type: 'boolean', describe: 'Also write .git/hooks/pre-commit (never over an existing hook)' }),
      async (args) => {
        // The migrations there now are deployed: the config's baseline is the newest of them.
        const { discover } = await import('./discover.js');
        const found = await discover([], cwd);
        const result = runInit(cwd, { hook: args.hook, migrations: found.files });
        for (const file of result.written) io.stderr(`migralint: wrote ${file}\n`);
        if (result.baseline && result.written.some((f) => f.endsWith(CONFIG_FILE)))
          io.stderr(`migralint: baseline: ${result.baseline} (it and the migrations before it are taken as deployed: not linted, never fixed)\n`);
        else if (result.noBaseline && result.written.some((f) => f.endsWith(CONFIG_FILE))) io.stderr(`migralint: no baseline written: ${result.noBaseline}\n`);
      },
    )
    .strictOptions()
    .help()
    // Its own version: yargs' default reads the package.json above node_modules, the host project's.
    .version(migralintVersion() ?? 'unknown')
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
    return code;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof GitError || error instanceof StatsError || error instanceof InitError) {
      io.stderr(`migralint: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'YError') {
      io.stderr(`migralint: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

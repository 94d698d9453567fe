import { ConfigError } from '../config/load.js';
import { ArgsError, helpText, parseArgs, type CommandSpec, type OptionSpec } from './args.js';
import { StatsError } from '../catalog/database.js';
import { explainRule, findRule, listRules } from './explain.js';
import { GitError } from './git.js';
import { CONFIG_FILE, InitError, runInit } from './init.js';
import { DEFAULT_STATS_FILE, runStats } from './stats.js';
import { runLint, UsageError, type IO } from './run.js';
import { migralintVersion } from '../version.js';

const defaultIO: IO = {
  stdout: (s) => process.stdout.write(s),
  stdoutBytes: (b) => process.stdout.write(b),
  stderr: (s) => process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

function useColor(flag: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (flag === false || env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

const colorOption: OptionSpec = { type: 'boolean', describe: 'Colour output (default: when stdout is a TTY); --no-color turns it off' };

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

const SUMMARY = 'Lint PostgreSQL migrations: what will lock a table or fail at deploy time.';
const paths = { name: 'paths', many: true, required: false };
const config: OptionSpec = { type: 'string', alias: 'c', describe: 'Use this config file instead of searching for one' };
const framework: OptionSpec = { type: 'string', describe: "Treat every file as this framework's" };

/** The commands, their positionals and options (src/cli/args.ts parses them and prints their help). */
const COMMANDS: CommandSpec[] = [
  {
    name: '',
    positional: paths,
    describe: 'Lint migration files, directories or globs (no paths: the usual migration folders).',
    options: {
      format: { type: 'string', alias: 'f', default: 'stylish', describe: 'stylish | json | sarif | github | gitlab | junit | compact | markdown' },
      'output-file': { type: 'string', alias: 'o', describe: 'Write the report to a file' },
      fix: { type: 'boolean', describe: 'Apply safe fixes to the files' },
      'fix-dry-run': { type: 'boolean', describe: 'Print the fixes as a unified diff, write nothing' },
      'fix-type': { type: 'string', array: 'many', choices: ['fix', 'suggestion'], describe: 'Which fixes --fix applies (default: fix)' },
      config,
      // One value per flag, as ESLint's: `--rule a:off file.sql` leaves file.sql a path.
      rule: { type: 'string', array: 'one', describe: 'Set a rule severity: <rule-id>:<off|info|warn|error>' },
      'pg-version': { type: 'string', describe: 'PostgreSQL major version the migrations run on (default 15)' },
      framework,
      'include-down': { type: 'boolean', describe: 'Lint down migrations too' },
      'max-warnings': { type: 'string', describe: 'Exit 1 when there are more warnings than this' },
      quiet: { type: 'boolean', describe: 'Report errors only' },
      color: colorOption,
      stdin: { type: 'boolean', describe: 'Lint text from standard input' },
      'stdin-filename': { type: 'string', describe: 'The file name standard input is linted as' },
      'changed-since': { type: 'string', describe: 'Lint only migrations added or modified since the merge base with this git ref' },
      staged: { type: 'boolean', describe: 'Lint only migrations staged in the git index' },
      'database-url': { type: 'string', describe: 'Read table sizes from this database, read-only (or MIGRALINT_DATABASE_URL)' },
      stats: { type: 'string', describe: 'Read table sizes from a snapshot written by `migralint stats`' },
      'stats-optional': { type: 'boolean', describe: 'If the database or snapshot cannot be read, warn and lint without sizes' },
      cache: { type: 'boolean', default: true, describe: 'Reuse results of unchanged files from earlier runs; --no-cache turns it off' },
      'cache-location': { type: 'string', describe: 'Directory of the cache (default node_modules/.cache/migralint)' },
    },
    conflicts: [['changed-since', 'staged']],
  },
  { name: 'rules', describe: 'List every rule with its default severity and fix kind.', options: { color: colorOption } },
  {
    name: 'explain',
    positional: { name: 'rule', many: false, required: true },
    describe: "Show a rule's documentation: what, why, examples, fix safety.",
    options: { color: colorOption },
  },
  {
    name: 'stats',
    describe: 'Write a snapshot of table sizes (rows, bytes, partitioning, invalid indexes) for --stats / config `stats`.',
    options: {
      'database-url': { type: 'string', describe: 'The database to read, read-only (or MIGRALINT_DATABASE_URL)' },
      output: { type: 'string', alias: 'o', default: DEFAULT_STATS_FILE, describe: 'Where to write the snapshot (- for stdout)' },
    },
  },
  {
    name: 'trace',
    positional: paths,
    describe: 'Run the migrations on a throwaway PostgreSQL the way their framework does, and report the locks they really take.',
    options: {
      format: {
        type: 'string',
        alias: 'f',
        default: 'stylish',
        describe: 'stylish | json | markdown (the review comment, its lock picture with the observed locks and hold times)',
      },
      config,
      framework,
      'pg-version': { type: 'string', describe: 'PostgreSQL major version of the embedded server (where a build is installed)' },
      'database-url': { type: 'string', describe: 'Trace on this scratch database instead of an embedded server' },
      'allow-nonempty': { type: 'boolean', describe: 'Trace on a --database-url that already has tables' },
      schema: { type: 'string', describe: 'SQL run before the history (a schema dump), instead of stand-in tables' },
      fix: {
        type: 'boolean',
        describe: 'Prove the safe fixes: trace the original and the fixed history (fixed in a temp copy, your files untouched)',
      },
      'seed-rows': {
        type: 'string',
        describe: 'Fill every table with N generated rows that fit its columns and constraints (FKs referenced-first)',
      },
      progress: { type: 'boolean', describe: 'Show the migration being traced on stderr (default: when stderr is a TTY)' },
      'changed-since': {
        type: 'string',
        describe: 'With --format markdown: review only migrations added or modified since the merge base with this git ref (the whole history is still traced)',
      },
      stats: { type: 'string', describe: 'With --format markdown: table sizes for the review, from a snapshot written by `migralint stats`' },
      color: colorOption,
    },
  },
  {
    name: 'schema',
    positional: paths,
    describe: "Print the catalog migralint replays from each project's migrations (as of the last one, or --at a file).",
    options: {
      at: { type: 'string', describe: 'Show the catalog as it stands after this migration' },
      config,
      framework,
      json: { type: 'boolean', describe: 'Print the model as JSON' },
    },
  },
  {
    name: 'init',
    describe:
      'Write a starter .migralintrc.json, its baseline at the newest migration (the ones there now are deployed: not linted, never fixed); with --hook, a git pre-commit hook that lints staged migrations.',
    options: { hook: { type: 'boolean', describe: 'Also write .git/hooks/pre-commit (never over an existing hook)' } },
  },
];

/** The CLI. Returns the exit code: 0 clean, 1 lint errors, 2 usage / config / internal error (as ESLint). */
export async function main(argv: string[], io: IO = defaultIO, cwd = process.cwd()): Promise<number> {
  try {
    const { command, values, positionals, help, version } = parseArgs(argv, COMMANDS);
    if (version) {
      // Its own version: never the host project's package.json.
      io.stdout(`${migralintVersion() ?? 'unknown'}\n`);
      return 0;
    }
    if (help) {
      io.stdout(helpText('migralint', command, COMMANDS, SUMMARY));
      return 0;
    }
    /** A string option's value (a string option given twice is both values, joined, as yargs passed them on). */
    const text = (name: string): string | undefined => (values[name] === undefined ? undefined : String(values[name]));
    const flag = (name: string): boolean | undefined => values[name] as boolean | undefined;
    const list = (name: string): string[] | undefined => values[name] as string[] | undefined;
    const env = io.env ?? process.env;
    const color = (): boolean => useColor(flag('color'), env);
    switch (command.name) {
      case '':
        return await runLint(
          {
            paths: positionals,
            cwd,
            config: text('config'),
            format: text('format')!,
            outputFile: text('output-file'),
            fix: flag('fix'),
            fixDryRun: flag('fix-dry-run'),
            fixType: list('fix-type') as ('fix' | 'suggestion')[] | undefined,
            rule: list('rule'),
            pgVersion: integerOption('--pg-version', text('pg-version'), PG_VERSIONS.min, PG_VERSIONS.max),
            framework: text('framework'),
            maxWarnings: integerOption('--max-warnings', text('max-warnings'), -1, Number.MAX_SAFE_INTEGER),
            quiet: flag('quiet'),
            color: color(),
            stdin: flag('stdin'),
            stdinFilename: text('stdin-filename'),
            includeDown: flag('include-down'),
            changedSince: text('changed-since'),
            staged: flag('staged'),
            databaseUrl: text('database-url'),
            stats: text('stats'),
            statsOptional: flag('stats-optional'),
            cache: flag('cache'),
            cacheLocation: text('cache-location'),
            env,
          },
          io,
        );
      case 'rules':
        io.stdout(listRules(color()));
        return 0;
      case 'explain': {
        const meta = findRule(positionals[0]!);
        if (!meta) throw new UsageError(`unknown rule '${positionals[0]}' (see \`migralint rules\`)`);
        io.stdout(explainRule(meta, color()));
        return 0;
      }
      case 'stats':
        return await runStats({ databaseUrl: text('database-url') ?? env.MIGRALINT_DATABASE_URL, output: text('output')!, cwd }, io);
      case 'trace': {
        const { runTrace } = await import('./trace.js');
        return await runTrace(
          {
            paths: positionals,
            cwd,
            config: text('config'),
            framework: text('framework'),
            format: text('format')!,
            databaseUrl: text('database-url'),
            allowNonempty: flag('allow-nonempty'),
            pgVersion: integerOption('--pg-version', text('pg-version'), PG_VERSIONS.min, PG_VERSIONS.max),
            schema: text('schema'),
            fix: flag('fix'),
            seedRows: integerOption('--seed-rows', text('seed-rows'), 0, 100_000_000),
            color: color(),
            progress: flag('progress') ?? (process.stderr.isTTY === true && io === defaultIO),
            changedSince: text('changed-since'),
            stats: text('stats'),
          },
          io,
        );
      }
      case 'schema': {
        const { runSchema } = await import('./schema.js');
        return await runSchema({ paths: positionals, cwd, at: text('at'), config: text('config'), framework: text('framework'), json: flag('json') }, io);
      }
      default: {
        // init: the migrations there now are deployed: the config's baseline is the newest of them.
        const { discover } = await import('./discover.js');
        const found = await discover([], cwd);
        const result = runInit(cwd, { hook: flag('hook'), migrations: found.files });
        for (const file of result.written) io.stderr(`migralint: wrote ${file}\n`);
        if (result.baseline && result.written.some((f) => f.endsWith(CONFIG_FILE)))
          io.stderr(`migralint: baseline: ${result.baseline} (it and the migrations before it are taken as deployed: not linted, never fixed)\n`);
        else if (result.noBaseline && result.written.some((f) => f.endsWith(CONFIG_FILE))) io.stderr(`migralint: no baseline written: ${result.noBaseline}\n`);
        return 0;
      }
    }
  } catch (error) {
    if (
      error instanceof ArgsError ||
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof GitError ||
      error instanceof StatsError ||
      error instanceof InitError
    ) {
      io.stderr(`migralint: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

import yargs from 'yargs';
import { ConfigError } from '../config/load.js';
import { explainRule, findRule, listRules } from './explain.js';
import { runLint, UsageError, type IO } from './run.js';

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
          .option('format', { alias: 'f', type: 'string', default: 'stylish', describe: 'stylish | json' })
          .option('output-file', { alias: 'o', type: 'string', describe: 'Write the report to a file' })
          .option('fix', { type: 'boolean', describe: 'Apply safe fixes to the files' })
          .option('fix-dry-run', { type: 'boolean', describe: 'Print the fixes as a unified diff, write nothing' })
          .option('fix-type', { type: 'string', array: true, choices: ['fix', 'suggestion'], describe: 'Which fixes --fix applies (default: fix)' })
          .option('config', { alias: 'c', type: 'string', describe: 'Use this config file instead of searching for one' })
          .option('rule', { type: 'string', array: true, describe: 'Set a rule severity: <rule-id>:<off|info|warn|error>' })
          .option('pg-version', { type: 'number', describe: 'PostgreSQL major version the migrations run on (default 15)' })
          .option('framework', { type: 'string', describe: 'Treat every file as this framework\'s' })
          .option('include-down', { type: 'boolean', describe: 'Lint down migrations too' })
          .option('max-warnings', { type: 'number', describe: 'Exit 1 when there are more warnings than this' })
          .option('quiet', { type: 'boolean', describe: 'Report errors only' })
          .option('color', { type: 'boolean', describe: 'Colour output (default: when stdout is a TTY); --no-color turns it off' })
          .option('stdin', { type: 'boolean', describe: 'Lint text from standard input' })
          .option('stdin-filename', { type: 'string', describe: 'The file name standard input is linted as' }),
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
            pgVersion: args['pg-version'],
            framework: args.framework,
            maxWarnings: args['max-warnings'],
            quiet: args.quiet,
            color: useColor(args.color),
            stdin: args.stdin,
            stdinFilename: args['stdin-filename'],
            includeDown: args['include-down'],
          },
          io,
        );
      },
    )
    .command('rules', 'List every rule with its default severity and fix kind.', {}, () => {
      io.stdout(listRules(useColor(undefined)));
    })
    .command(
      'explain <rule>',
      'Show a rule\'s documentation: what, why, examples, fix safety.',
      (y) => y.positional('rule', { type: 'string', demandOption: true }),
      (args) => {
        const meta = findRule(args.rule);
        if (!meta) throw new UsageError(`unknown rule '${args.rule}' (see \`migralint rules\`)`);
        io.stdout(explainRule(meta, useColor(undefined)));
      },
    )
    .strictOptions()
    .help()
    .version()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
    return code;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
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

/** The command line's syntax (src/cli/args.ts): option spellings, values, defaults, usage errors, help. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDirs, write } from '../helpers/repo.js';

const tmp = tempDirs('migralint-args-');

/** main() as the bin runs it, with `stdin` as standard input; what it printed and its exit code. */
async function run(args: string[], stdin = '', cwd = tmp()) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => Buffer.from(stdin) }, cwd);
  return { code, stdout, stderr };
}

const LOCKING = 'CREATE INDEX idx_orders_created ON orders (created_at);\n';

describe('option spellings', () => {
  it('reads an option the same way as --name value, --name=value, its alias and its camelCase name', async () => {
    const spellings = [
      ['--stdin', '--stdin-filename', 'a.sql', '--format', 'json', '--no-cache'],
      ['--stdin', '--stdin-filename=a.sql', '--format=json', '--cache=false'],
      ['--stdin', '--stdinFilename', 'a.sql', '-f', 'json', '--cache', 'false'],
      ['--stdin=true', '-f=json', '--stdin-filename', 'a.sql', '--no-cache'],
    ];
    const dir = tmp();
    const results = await Promise.all(spellings.map((args) => run(args, LOCKING, dir)));
    const [first] = results;
    expect(first!.code).toBe(1);
    const report = JSON.parse(first!.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    expect(report[0]!.filePath).toMatch(/a\.sql$/);
    expect(report[0]!.messages.map((m) => m.ruleId)).toContain('require-concurrent-index-creation');
    for (const r of results) expect(r).toEqual(first);
  });

  it('takes booleans as flags, as --flag false and as --no-flag', async () => {
    const quiet = await run(['--stdin', '-f', 'compact', '--quiet', '--no-cache'], LOCKING);
    const loud = await run(['--stdin', '-f', 'compact', '--quiet', 'false', '--no-cache'], LOCKING);
    const negated = await run(['--stdin', '-f', 'compact', '--no-quiet', '--no-cache'], LOCKING);
    expect(quiet.stdout).toContain('require-concurrent-index-creation');
    expect(quiet.stdout).not.toContain('require-lock-timeout');
    expect(loud.stdout).toContain('info require-lock-timeout');
    expect(negated.stdout).toBe(loud.stdout);
  });

  it('repeats --rule, one value each; --fix-type takes the values up to the next option', async () => {
    const off = await run(
      ['--stdin', '-f', 'compact', '--rule', 'require-concurrent-index-creation:off', '--rule', 'require-lock-timeout:off', '--no-cache'],
      LOCKING,
    );
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('require-concurrent-index-creation');
    expect(off.stdout).not.toContain('require-lock-timeout');
    const greedy = await run(['--fix-type', 'fix', 'suggestion', 'extra.sql', '-f', 'compact']);
    expect(greedy.code).toBe(2);
    expect(greedy.stderr).toBe('migralint: Invalid values:\n  Argument: fix-type, Given: "extra.sql", Choices: "fix", "suggestion"\n');
  });

  it('takes everything after -- as a path, and a string option without a value as its default', async () => {
    const dir = tmp();
    write(dir, 'migrations/001_orders.sql', LOCKING);
    const dashes = await run(['-f', 'compact', 'migrations', '--', '--weird.sql'], '', dir);
    expect(dashes.code).toBe(2);
    expect(dashes.stderr).toContain('--weird.sql: no such file or directory');
    expect(dashes.stdout).toContain('migrations/001_orders.sql:1:1: error require-concurrent-index-creation');
    const bare = await run(['migrations', '--no-cache', '--format'], '', dir);
    expect(bare.stdout).toContain('migrations/001_orders.sql\n');
    expect(bare.stdout).toMatch(/1:1 +error +require-concurrent-index-creation/);
  });
});

describe('usage errors: one line on stderr, exit 2', () => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'Unknown argument: bogus'],
    [['--bogus', '--other-thing'], 'Unknown arguments: bogus, other-thing, otherThing'],
    [['-x'], 'Unknown argument: x'],
    [['-fjson'], 'Unknown arguments: j, s, n'],
    [['rules', '--format', 'json'], 'Unknown argument: format'],
    [['explain'], 'Not enough non-option arguments: got 0, need at least 1'],
    [['explain', '--bogus'], 'Not enough non-option arguments: got 0, need at least 1'],
    [['explain', 'no-such-rule'], "unknown rule 'no-such-rule' (see `migralint rules`)"],
    [['--changed-since', 'main', '--staged'], 'Arguments changed-since and staged are mutually exclusive'],
    [['--rule'], 'Not enough arguments following: rule'],
    [['--max-warnings=abc'], "--max-warnings expects a whole number, -1 or more, got 'abc'"],
    [['--format', 'json', '--format', 'compact'], "--format: unknown format 'json,compact'"],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toContain(`migralint: ${message.split('\n')[0]}`);
  });
});

describe('--help and --version', () => {
  it('lists every command and every option of the lint, with its alias, type and default', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const command of [
      'migralint [paths..]',
      'migralint rules',
      'migralint explain <rule>',
      'migralint stats',
      'migralint trace [paths..]',
      'migralint schema [paths..]',
      'migralint init',
    ])
      expect(r.stdout).toContain(`\n  ${command} `);
    expect(r.stdout).toMatch(/\n {2}-f, --format +stylish \| json .* \[string\] \[default: "stylish"\]\n/);
    expect(r.stdout).toMatch(/\n {6}--cache +.* \[boolean\] \[default: true\]\n/);
    expect(r.stdout).toContain('--cache-location');
    expect((await run(['help'])).stdout).toBe(r.stdout);
  });

  it("shows a command's own usage and options", async () => {
    const r = await run(['explain', '--help']);
    expect(r.stdout.split('\n')[0]).toBe('migralint explain <rule>');
    expect(r.stdout).toContain('--color');
    expect(r.stdout).not.toContain('--format');
    const stats = await run(['stats', '--help']);
    expect(stats.stdout).toMatch(/-o, --output +.*\[default: "migralint-stats\.json"\]/);
  });

  it('prints the version, whatever the command', async () => {
    const a = await run(['--version']);
    const b = await run(['rules', '--version']);
    expect(a.stdout).toMatch(/^\d+\.\d+\.\d+.*\n$/);
    expect(b).toEqual(a);
  });
});

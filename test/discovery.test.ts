import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { discover, skippedNote } from '../src/cli/discover.js';
import { diskFileSystem } from '../src/disk.js';
import { detectSqlFramework } from '../src/sources/detect.js';
import { lintSource, DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { loadParsersFor } from '../src/engine/lint-text.js';
import { memoryFileSystem } from '../src/fs.js';
import { detectFramework } from '../src/sources/index.js';
import { findAlembicEnv } from '../src/sources/python/alembic.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(root, 'fixtures', 'discovery');

type JsonResult = {
  filePath: string;
  framework: string | null;
  skipped?: string;
  messages: Array<{ ruleId: string; line: number; fix?: unknown; suggestions?: unknown[] }>;
  coverage?: { statements: number; unreadable: number; parseErrors: number };
};

const rel = (dir: string, results: JsonResult[]) => results.map((x) => path.relative(dir, x.filePath).split(path.sep).join('/'));

async function lintFile(file: string) {
  await loadParsersFor([file]);
  return lintSource({ path: file, text: readFileSync(file, 'utf8'), bom: false }, { settings: DEFAULT_SETTINGS, fs: diskFileSystem() });
}

/** The CLI in this process (test/helpers/cli.ts). */
function run(args: string[], cwd: string) {
  return runCli(args, { cwd });
}

describe('discovery', () => {
  it("Diesel's current folder names (YYYY-MM-DD-HHMMSS-0000_name) are Diesel; a walk skips their down.sql", async () => {
    const dir = path.join(FIXTURES, 'diesel-new');
    expect(
      detectSqlFramework(path.join(dir, 'migrations/2025-10-08-084508-0000_multi_comm_index_lower/up.sql'), 'CREATE INDEX i ON t (a);', diskFileSystem()),
    ).toBe('diesel');
    const found = await discover(['migrations'], dir);
    expect(found.problems).toEqual([]);
    expect(found.files).toEqual([
      path.normalize('migrations/00000000000000_diesel_initial_setup/up.sql'),
      path.normalize('migrations/2025-10-08-084508-0000_multi_comm_index_lower/up.sql'),
    ]);
    // Named explicitly, a down.sql is still linted.
    expect((await discover(['migrations/2025-10-08-084508-0000_multi_comm_index_lower/down.sql'], dir)).files).toHaveLength(1);
  });

  it('no paths in a Django project root: manage.py leads to <app>/migrations/, and __init__.py is skipped silently', async () => {
    const dir = path.join(FIXTURES, 'django-root');
    const found = await discover([], dir);
    expect(found.problems).toEqual([]);
    expect(found.files).toEqual([path.normalize('blog/migrations/0002_post_title_idx.py')]);
    const r = await run(['--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; framework?: string; messages: Array<{ ruleId: string; line: number }> }>;
    expect(results.map((x) => [path.relative(dir, x.filePath), x.framework])).toEqual([[path.normalize('blog/migrations/0002_post_title_idx.py'), 'django']]);
    expect(results[0]!.messages.map((m) => `${m.ruleId}@${m.line}`)).toContain('require-concurrent-index-creation@13');
  });

  it('a named file no adapter reads (.go) is one clear message, exit 2 when nothing else was linted', async () => {
    const dir = path.join(FIXTURES, 'go');
    const r = await run(['migrations/20250101000000_add_index_to_users.go'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'migralint: migrations/20250101000000_add_index_to_users.go: not a migration migralint reads (it reads SQL files, Alembic and Django migrations in Python, Rails migrations in Ruby, JS/TS migrations, EF Core migrations in C#, Ecto migrations in Elixir, Laravel migrations in PHP and Liquibase changelogs); nothing in it was linted\n',
    );
    expect(r.stdout).toBe('');
  });

  it('an EF Core (.cs) and an Ecto (.exs) migration named on the command line are read, as a walk finds them', async () => {
    const frameworks = path.join(root, 'fixtures', 'frameworks');
    for (const [dir, file, framework] of [
      ['ef-core', 'Migrations/20240315100000_AddOrdersCreatedAtIndex.cs', 'ef-core'],
      ['ecto', 'priv/repo/migrations/20240401093000_add_accounts_inserted_at_index.exs', 'ecto'],
    ] as const) {
      const r = await run([file, '--format', 'json', '--no-cache'], path.join(frameworks, dir));
      expect(r.stderr).toBe('');
      const results = JSON.parse(r.stdout) as JsonResult[];
      expect(results.map((x) => [path.relative(path.join(frameworks, dir), x.filePath).split(path.sep).join('/'), x.framework])).toEqual([[file, framework]]);
    }
  });

  it('a Rails migration named on the command line is read (db/migrate/*.rb), and a walk of db/ finds it', async () => {
    const dir = path.join(FIXTURES, 'rails');
    const r = await run(['db/migrate/20250101000000_add_index_to_users.rb', '--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ framework: string; messages: Array<{ ruleId: string; line: number }> }>;
    expect(results.map((x) => x.framework)).toEqual(['rails']);
    expect(results[0]!.messages.map((m) => `${m.ruleId}@${m.line}`)).toContain('require-concurrent-index-creation@3');
    expect((await discover(['db'], dir)).files).toEqual([path.join('db', 'migrate', '20250101000000_add_index_to_users.rb')]);
  });

  it("a walk of a Rails project's db/ skips the schema dumps (structure.sql, schema.rb); named, structure.sql is reported, not linted", async () => {
    const dir = path.join(root, 'fixtures', 'frameworks', 'rails');
    const found = (await discover(['db'], dir)).files;
    expect(found.length).toBe(18);
    expect(found.every((f) => f.startsWith(path.join('db', 'migrate')) && f.endsWith('.rb'))).toBe(true);
    const r = await run(['db/structure.sql', '--format', 'json'], dir);
    const results = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
    expect(results[0]!.messages.map((m) => m.ruleId)).toEqual(['unsupported-framework-construct']);
    expect(results[0]!.messages[0]!.message).toMatch(/^structure\.sql is Rails' schema dump/);
  });

  it('a walk lints only migrations: loose .sql files (queries, seeds) are skipped with one note saying how to include them', async () => {
    const dir = path.join(FIXTURES, 'loose-sql');
    const found = await discover(['.'], dir);
    expect(found.problems).toEqual([]);
    expect(found.files).toEqual([path.normalize('db/migrations/20240105120000_add_orders_customer_index.sql')]);
    expect(found.skipped.map((s) => [s.filePath.split(path.sep).join('/'), s.reason])).toEqual([
      ['db/queries/active_customers.sql', 'outside-migrations'],
      ['db/seeds/dev_seed.sql', 'outside-migrations'],
    ]);
    // The configuration claims files: they are then linted from a walk.
    const claimed = await discover(['.'], dir, { claims: (f) => f.split(path.sep).join('/').startsWith('db/queries/') });
    expect(claimed.files).toContain(path.normalize('db/queries/active_customers.sql'));

    const r = await run(['.', '--format', 'json', '--no-cache'], dir);
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(
      rel(
        dir,
        results.filter((x) => !x.skipped),
      ),
    ).toEqual(['db/migrations/20240105120000_add_orders_customer_index.sql']);
    expect(results.filter((x) => x.skipped).map((x) => [rel(dir, [x])[0], x.skipped, x.messages.length])).toEqual([
      ['db/queries/active_customers.sql', 'outside-migrations', 0],
      ['db/seeds/dev_seed.sql', 'outside-migrations', 0],
    ]);
    expect(results[0]!.framework).toBe('dbmate');
    expect(results[0]!.coverage).toEqual({ statements: 1, unreadable: 0, parseErrors: 0 });
    const notes = r.stderr.split('\n').filter((l) => l.includes('outside migration folders'));
    expect(notes).toEqual([
      'migralint: 2 .sql files outside migration folders were not linted (query files, seeds …; e.g. db/queries/active_customers.sql). To lint them as migrations, name them on the command line, or map them in the config: "frameworks": { "db/queries/**/*.sql": "psql" }',
    ]);

    // A walk of an absolute path: the note still gives paths and a glob relative to where migralint runs.
    const absolute = await discover([dir], dir);
    expect(skippedNote(absolute.skipped, dir)).toContain(
      'e.g. db/queries/active_customers.sql). To lint them as migrations, name them on the command line, or map them in the config: "frameworks": { "db/queries/**/*.sql": "psql" }',
    );
    // Run from a folder outside the project (a fresh temp folder: never an ancestor of this checkout, wherever it is).
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'migralint-elsewhere-'));
    try {
      expect(skippedNote(absolute.skipped, elsewhere)).toContain('"frameworks": { "**/queries/**/*.sql": "psql" }');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }

    // Named explicitly, a loose file is linted.
    const named = await run(['db/queries/active_customers.sql', '--format', 'json', '--no-cache'], dir);
    expect(named.code).toBe(0);
    expect(rel(dir, JSON.parse(named.stdout) as JsonResult[])).toEqual(['db/queries/active_customers.sql']);
    expect(named.stderr).toBe('');

    // The stylish summary gives the coverage per framework and the files skipped.
    const stylish = await run(['.', '--no-cache'], dir);
    expect(stylish.code).toBe(1);
    expect(stylish.stdout).toContain('  dbmate: 1 file, 1 statement read\n  skipped: 2 .sql outside migration folders\n');
  });

  it('config `frameworks` brings loose .sql files into a walk', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-loose-'));
    cpSync(path.join(FIXTURES, 'loose-sql'), dir, { recursive: true });
    writeFileSync(path.join(dir, '.migralintrc.json'), JSON.stringify({ frameworks: { 'db/seeds/**/*.sql': 'psql' } }));
    const r = await run(['.', '--format', 'json', '--no-cache'], dir);
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(
      rel(
        dir,
        results.filter((x) => !x.skipped),
      ),
    ).toEqual(['db/migrations/20240105120000_add_orders_customer_index.sql', 'db/seeds/dev_seed.sql']);
    expect(
      rel(
        dir,
        results.filter((x) => x.skipped),
      ),
    ).toEqual(['db/queries/active_customers.sql']);
    expect(r.stderr).toContain('migralint: 1 .sql file outside migration folders was not linted');
  });

  it('Alembic revisions kept per dialect: found from the root and from inside versions/, env.py searched upward, other databases and __init__.py skipped', async () => {
    const dir = path.join(FIXTURES, 'alembic-dialects');
    const found = await discover(['.'], dir);
    const pg = ['migrations/versions/postgresql/3b1f9c2d7a10_create_events.py', 'migrations/versions/postgresql/8d4e0a6b5c21_events_kind_index.py'];
    expect(found.problems).toEqual([]);
    expect(found.files.map((f) => f.split(path.sep).join('/'))).toEqual(pg);
    expect(found.skipped.map((s) => [s.filePath.split(path.sep).join('/'), s.reason])).toEqual([
      ['migrations/versions/__init__.py', 'not-a-migration'],
      ['migrations/versions/postgresql/__init__.py', 'not-a-migration'],
      ['migrations/versions/sqlite/5a0c1d2e3f40_create_events.py', 'other-database'],
    ]);
    // With no paths, from inside the dialect folder (env.py and alembic.ini are further up).
    const inside = path.join(dir, 'migrations/versions/postgresql');
    expect((await discover([], inside)).files).toEqual(['3b1f9c2d7a10_create_events.py', '8d4e0a6b5c21_events_kind_index.py']);

    // A revision that does not import alembic's op is recognised by its revision and down_revision.
    const revision = path.join(dir, pg[1]!);
    expect(detectFramework(revision, readFileSync(revision, 'utf8'))).toBe('alembic');
    expect(detectFramework('x.py', 'revision = "a1"\ndown_revision = "b2"\n\nupgrade = steps.upgrade\n')).toBe('alembic');
    expect(detectFramework('x.py', 'revision = "a1"\n')).not.toBe('alembic');
    // env.py, three folders up, says each migration runs in its own transaction.
    const result = await lintFile(revision);
    expect(result.framework).toBe('alembic');
    expect(result.assumption).toBeUndefined();
    expect(result.findings.map((f) => `${f.ruleId}@${f.loc.line}`)).toContain('require-concurrent-index-creation@18');

    const r = await run(['--format', 'json', '--no-cache'], inside);
    expect(
      rel(
        inside,
        (JSON.parse(r.stdout) as JsonResult[]).filter((x) => !x.skipped),
      ),
    ).toEqual(['3b1f9c2d7a10_create_events.py', '8d4e0a6b5c21_events_kind_index.py']);
  });

  it("alembic.ini's script_location leads to env.py when the revisions live elsewhere", () => {
    const fs = memoryFileSystem({
      '/p/alembic.ini': '[alembic]\nscript_location = %(here)s/tools/alembic\nversion_locations = %(here)s/revisions/postgresql\n',
      '/p/tools/alembic/env.py': 'context.configure(connection=connection, transaction_per_migration=True)\n',
      '/p/revisions/postgresql/a1_init.py': 'revision = "a1"\ndown_revision = None\n',
    });
    expect(findAlembicEnv('/p/revisions/postgresql/a1_init.py', fs)).toContain('transaction_per_migration=True');
    expect(findAlembicEnv('/elsewhere/versions/a1_init.py', fs)).toBeUndefined();
  });

  it('a custom runner over slonik is an unknown runner, never Knex: its SQL is linted, fixes that depend on the runner are suggestions', async () => {
    const dir = path.join(FIXTURES, 'slonik-runner');
    const file = path.join(dir, 'src/migrations/2025.02.11T09.30.00.add-orders-status-index.ts');
    const result = await lintFile(file);
    expect(result.framework).toBe('js');
    expect(result.assumption).toBe('unknown runner; assumed statement by statement, no transaction');
    expect(result.coverage).toEqual({ statements: 2, unreadable: 0 });
    const index = result.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(index.loc.line).toBe(6);
    expect(index.fix).toBeUndefined();
    expect(index.suggestions?.length).toBeGreaterThan(0);

    const found = await discover(['src'], dir);
    expect(found.files.map((f) => f.split(path.sep).join('/'))).toEqual(['src/migrations/2025.02.11T09.30.00.add-orders-status-index.ts']);
    // helpers.ts sits in the migration folder: skipped; src/db/migrate.ts (the runner) is not a migration and not mentioned.
    expect(found.skipped.map((s) => [s.filePath.split(path.sep).join('/'), s.reason])).toEqual([['src/migrations/helpers.ts', 'not-a-migration']]);
  });

  it('Knex is still Knex without an import: knex.schema calls on any receiver', () => {
    expect(detectFramework('migrations/20240101_x.js', 'exports.up = (db) => db.schema.alterTable("orders", (t) => t.index(["status"]));')).toBe('knex');
    expect(detectFramework('migrations/20240101_x.js', 'exports.up = async (client) => { await client.query("CREATE INDEX i ON t (a)"); };')).toBe('js');
  });

  it('walks a folder as the glob does: dot files and folders, dist and node_modules left out, extensions matched by case, through symbolic links', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-walk-'));
    try {
      const put = (rel: string, text = 'CREATE TABLE t (id int);\n') => {
        mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        writeFileSync(path.join(dir, rel), text);
      };
      put('migrations/0001_init.sql');
      put('migrations/0002_upper.SQL');
      put('migrations/.0003_hidden.sql');
      put('migrations/sub/0004_nested.sql');
      put('migrations/.cache/0005_in_dot_folder.sql');
      put('migrations/dist/0006_built.sql');
      put('migrations/node_modules/0007_dep.sql');
      put('migrations/0008 with space.sql');
      put('migrations/0009.tar.sql');
      put('migrations/0010.sql.bak');
      put(
        'db/migrate/20240101000000_add_users.rb',
        'class AddUsers < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :age, :integer\n  end\nend\n',
      );
      // A non-empty `exclude` makes discover glob with tinyglobby: the same files and verdicts either way.
      const globbed = async () => discover([dir], dir, { exclude: ['**/never-a-folder/**'] });
      const walked = await discover([dir], dir);
      expect(walked).toEqual(await globbed());
      expect(walked.files.map((f) => path.relative(dir, f).split(path.sep).join('/'))).toEqual([
        'db/migrate/20240101000000_add_users.rb',
        'migrations/0001_init.sql',
        'migrations/0008 with space.sql',
        'migrations/0009.tar.sql',
        'migrations/sub/0004_nested.sql',
      ]);
      // A symbolic link: the glob resolves it, and the walk leaves the folder to the glob.
      let linked = true;
      try {
        symlinkSync(path.join(dir, 'migrations', 'sub'), path.join(dir, 'migrations', 'linked'), 'dir');
      } catch {
        linked = false;
      }
      if (linked) {
        const withLink = await discover([dir], dir);
        expect(withLink).toEqual(await globbed());
        expect(withLink.files.length).toBe(6);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDirs, write } from '../helpers/repo.js';
import { once } from '../helpers/once.js';
import { cacheKey, LintCache } from '../../src/cli/cache.js';
import { packDelta } from '../../src/project/delta-change.js';
import { emptyDelta, emptyModel } from '../../src/project/model.js';
import type { FileResult } from '../../src/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempDirs('migralint-cache-');

/** The CLI in this process (test/helpers/cli.ts): the cache is the CLI's, the same in and out of a spawned process. */
function run(args: string[], cwd: string) {
  return runCli(args, { cwd });
}

const cacheFile = (dir: string) => path.join(dir, 'lint-cache.json');
/** What each migration's replay taught the schema model: a file of its own, read only when a history is replayed. */
const replaysFile = (dir: string) => path.join(dir, 'lint-replays.json');
const rmCache = (dir: string) => rmSync(dir, { recursive: true, force: true });
/** The records of the runs (one per way the CLI was run, with its report): a run like one of them is printed from it. */
const runFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /^lint-run-[0-9a-f]+\.json$/.test(f)) : []).map((f) => path.join(dir, f));
/** Forgets the runs, so that the next run reads the entries (and replays) again. */
const rmRuns = (dir: string) => runFiles(dir).forEach((f) => rmSync(f));

/** A plain-SQL history in a folder of its own (db/migrations/<name>: its text), and a cache folder beside it. */
function sqlHistory(migrations: Record<string, string>): { dir: string; cache: string } {
  const dir = tmp();
  for (const [name, text] of Object.entries(migrations)) write(dir, `db/migrations/${name}`, text);
  return { dir, cache: path.join(dir, 'cache') };
}

/** Fixtures of SQL, Python and JS frameworks (with a Drizzle journal and Alembic's env.py), copied so the test owns them. */
function project(): string {
  const dir = tmp();
  for (const fw of ['drizzle', 'alembic', 'prisma', 'knex', 'golang-migrate'])
    cpSync(path.join(root, 'fixtures', 'frameworks', fw), path.join(dir, 'migrations', fw), { recursive: true });
  return dir;
}

/**
 * One project for the tests that only read its files (each with a cache folder of its own), and its report without
 * a cache: what every cached run of it must print.
 */
const sharedProject = once(async () => {
  const dir = project();
  return { dir, uncachedJson: await run(['migrations', '--format', 'json', '--no-cache'], dir) };
});

describe('the lint cache', () => {
  it('a warm run prints exactly what a cold run prints, and serves the results from the cache', { timeout: 300_000 }, async () => {
    const { dir, uncachedJson } = await sharedProject();
    const cache = path.join(dir, 'cache-warm');
    for (const format of ['json', 'stylish']) {
      const uncached = format === 'json' ? uncachedJson : await run(['migrations', '--format', format, '--no-cache'], dir);
      const cold = await run(['migrations', '--format', format, '--cache-location', cache], dir);
      const warm = await run(['migrations', '--format', format, '--cache-location', cache], dir);
      expect(uncached.code).toBe(1);
      expect(JSON.stringify(cold)).toBe(JSON.stringify(uncached));
      expect(JSON.stringify(warm)).toBe(JSON.stringify(uncached));
    }
    const stored = JSON.parse(readFileSync(cacheFile(cache), 'utf8'));
    // One entry per linted file; files the walk skipped (knex/knexfile.js, a config) are not linted, so not cached.
    const results = (JSON.parse(uncachedJson.stdout) as Array<{ skipped?: string }>).filter((r) => !r.skipped);
    expect(Object.keys(stored.entries)).toHaveLength(results.length);
    // Proof the warm run reads the cache: an entry altered on disk shows up in the report (once the run's record,
    // which holds the report as it was printed, is gone).
    rmRuns(cache);
    for (const e of Object.values(stored.entries) as Array<{ result: { findings: Array<{ message: string }> } }>) {
      for (const f of e.result.findings) f.message = `from the cache: ${f.message}`;
    }
    writeFileSync(cacheFile(cache), JSON.stringify(stored));
    expect((await run(['migrations', '--format', 'json', '--cache-location', cache], dir)).stdout).toContain('from the cache: ');
  });

  it('a run that adds a migration appends it to the journal; a journal for another file or a cut line is ignored', { timeout: 300_000 }, async () => {
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    const journal = path.join(cache, 'lint-cache.journal');
    write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz);\n');
    // Each run reads the entries: the record of the run before it (which would print its report) is forgotten.
    const lint = (file: string) => {
      rmRuns(cache);
      return run([file, '--format', 'json', '--cache-location', cache], dir);
    };
    const plain = (file: string) => run([file, '--format', 'json', '--no-cache'], dir);
    expect(await lint('db/migrations/0001_orders.sql')).toEqual(await plain('db/migrations/0001_orders.sql'));
    const whole = readFileSync(cacheFile(cache), 'utf8');
    expect(existsSync(journal)).toBe(false);

    // A new migration (the pre-commit case): the file is left as it was, the run's entries go to the journal.
    write(dir, 'db/migrations/0002_index.sql', 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
    const expected = await plain('db/migrations/0002_index.sql');
    expect(expected.stdout).toContain('require-concurrent-index-creation');
    expect(await lint('db/migrations/0002_index.sql')).toEqual(expected);
    expect(readFileSync(cacheFile(cache), 'utf8')).toBe(whole);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ journal: JSON.parse(whole).journal });
    expect(
      lines
        .slice(1)
        .map((l) => Object.keys(JSON.parse(l) as object)[0])
        .sort(),
    ).toEqual(['entry', 'replay']);

    // Proof the journal is read: its entry altered on disk shows up in the report; nothing new, nothing written.
    const altered = lines.map((l, i) => (i > 0 && l.startsWith('{"entry"') ? l.replaceAll('"message":"', '"message":"from the journal: ') : l));
    writeFileSync(journal, `${altered.join('\n')}\n`);
    expect((await lint('db/migrations/0002_index.sql')).stdout).toContain('from the journal: ');
    expect(readFileSync(journal, 'utf8')).toBe(`${altered.join('\n')}\n`);

    // A line cut short is skipped (that file is linted again); a journal that names another file is not read at all.
    writeFileSync(journal, `${altered.map((l, i) => (i > 0 && l.startsWith('{"entry"') ? l.slice(0, l.length >> 1) : l)).join('\n')}\n`);
    expect(await lint('db/migrations/0002_index.sql')).toEqual(expected);
    writeFileSync(journal, `${[JSON.stringify({ journal: 'another file' }), ...altered.slice(1)].join('\n')}\n`);
    expect(await lint('db/migrations/0002_index.sql')).toEqual(expected);
    expect(readFileSync(journal, 'utf8').split('\n')[0]).toBe(JSON.stringify({ journal: JSON.parse(whole).journal }));

    // A file written whole (here: a corrupt one replaced) starts without a journal.
    writeFileSync(cacheFile(cache), '{');
    expect(await lint('db/migrations/0002_index.sql')).toEqual(expected);
    expect(existsSync(journal)).toBe(false);
    expect(JSON.parse(readFileSync(cacheFile(cache), 'utf8')).journal).not.toBe(JSON.parse(whole).journal);
  });

  it(
    'a changed migration in a cached history is linted without reading the cache file: its index says the key is not there',
    { timeout: 300_000 },
    async () => {
      const dir = tmp();
      const cache = path.join(dir, 'cache');
      const index = path.join(cache, 'lint-cache.keys.json');
      const journal = path.join(cache, 'lint-cache.journal');
      write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz);\n');
      write(dir, 'db/migrations/0002_customers.sql', 'CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n');
      write(dir, 'db/migrations/0003_orders_customer.sql', 'ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);\n');
      const last = write(dir, 'db/migrations/0004_orders_created_idx.sql', 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n');
      const lint = (target: string) => run([target, '--format', 'json', '--cache-location', cache], dir);
      const plain = (target: string) => run([target, '--format', 'json', '--no-cache'], dir);
      expect(await lint('db/migrations')).toEqual(await plain('db/migrations'));
      const whole = JSON.parse(readFileSync(cacheFile(cache), 'utf8')) as { journal: string; entries: object };
      const keys = JSON.parse(readFileSync(index, 'utf8')) as { journal: string; keys: string[] };
      expect(keys.journal).toBe(whole.journal);
      expect(keys.keys.sort()).toEqual(Object.keys(whole.entries).sort());
      // The last migration edited (a pre-commit hook), and the cache file made unreadable: a run that read it would
      // rewrite it. This one lints the file in its history from the replays, and adds its entry to the journal.
      writeFileSync(last, 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
      writeFileSync(cacheFile(cache), 'not json');
      const one = await lint('db/migrations/0004_orders_created_idx.sql');
      expect(one).toEqual(await plain('db/migrations/0004_orders_created_idx.sql'));
      expect(one.stdout).toContain('require-concurrent-index-creation');
      expect(readFileSync(cacheFile(cache), 'utf8')).toBe('not json');
      const added = readFileSync(journal, 'utf8').trim().split('\n');
      expect(JSON.parse(added[0]!)).toEqual({ journal: whole.journal });
      expect(added.slice(1).some((l) => l.startsWith('{"entry"'))).toBe(true);
      // A run that needs the entries reads the file: unreadable, it is ignored and written again, with its index.
      rmRuns(cache);
      expect(await lint('db/migrations')).toEqual(await plain('db/migrations'));
      const rewritten = JSON.parse(readFileSync(cacheFile(cache), 'utf8')) as { journal: string; entries: object };
      expect(JSON.parse(readFileSync(index, 'utf8')).journal).toBe(rewritten.journal);
      expect(Object.keys(rewritten.entries)).toHaveLength(4);
    },
  );

  it('ignores and rewrites a corrupt, truncated or foreign cache file', { timeout: 300_000 }, async () => {
    const { dir, uncachedJson } = await sharedProject();
    const cache = path.join(dir, 'cache-corrupt');
    const expected = uncachedJson.stdout;
    const good = await (async () => {
      await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
      return readFileSync(cacheFile(cache), 'utf8');
    })();
    const goodReplays = readFileSync(replaysFile(cache), 'utf8');
    const bad = [
      'not json at all {',
      good.slice(0, Math.floor(good.length / 2)),
      JSON.stringify({ format: 'eslint-cache', version: 1, run: 1, entries: {} }),
      // Right header, entries of the wrong shape.
      JSON.stringify({
        ...JSON.parse(good),
        entries: Object.fromEntries(Object.keys(JSON.parse(good).entries).map((k) => [k, { deps: 'x', result: null, used: 1 }])),
      }),
    ];
    const badReplays = [
      'not json',
      // Replays of the wrong shape (a delta without its kinds), no replays at all, and the replays of another cache file.
      JSON.stringify({
        ...JSON.parse(goodReplays),
        replays: Object.fromEntries(
          Object.keys(JSON.parse(goodReplays).replays).map((k) => [k, { deps: [], replay: { packed: { objects: { tables: 'x' } }, hash: 'h' }, used: 1 }]),
        ),
      }),
      JSON.stringify({ ...JSON.parse(goodReplays), replays: undefined }),
      JSON.stringify({ ...JSON.parse(goodReplays), journal: 'another file' }),
    ];
    for (const [text, replays] of [...bad.map((b) => [b, goodReplays]), ...badReplays.map((r) => [good, r])] as const) {
      writeFileSync(cacheFile(cache), text);
      writeFileSync(replaysFile(cache), replays);
      rmRuns(cache);
      const r = await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
      expect(r.stdout).toBe(expected);
      expect(r.stderr).toBe('');
      const rewritten = JSON.parse(readFileSync(cacheFile(cache), 'utf8'));
      expect(rewritten.format).toBe('migralint-lint-cache');
      expect(Object.keys(rewritten.entries).length).toBeGreaterThan(0);
    }
    // The run's record: corrupt, cut short (in its record or its report), another run's, or of the wrong shape. Not
    // used, and written again as it was.
    expect((await run(['migrations', '--format', 'json', '--cache-location', cache], dir)).stdout).toBe(expected);
    const [record] = runFiles(cache);
    const goodRun = readFileSync(record!, 'utf8');
    const head = goodRun.slice(0, goodRun.indexOf('\n'));
    const rest = goodRun.slice(head.length);
    for (const text of [
      'not json',
      goodRun.slice(0, head.length >> 1),
      goodRun.slice(0, goodRun.length - 10),
      `${JSON.stringify({ ...JSON.parse(head), run: 'another' })}${rest}`,
      `${JSON.stringify({ ...JSON.parse(head), results: 'x' })}${rest}`,
      `${JSON.stringify({ ...JSON.parse(head), identity: 'f'.repeat(64) })}${rest}`,
    ]) {
      writeFileSync(record!, text);
      const r = await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
      expect(r.stdout).toBe(expected);
      expect(r.stderr).toBe('');
      expect(readFileSync(record!, 'utf8')).toBe(goodRun);
    }
  });

  it("drops the entries another build stored: they can never match this build's keys, so they are not read or carried", { timeout: 300_000 }, async () => {
    const { dir, uncachedJson } = await sharedProject();
    const cache = path.join(dir, 'cache-other-build');
    const expected = uncachedJson.stdout;
    await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
    const good = JSON.parse(readFileSync(cacheFile(cache), 'utf8')) as { identity: string; entries: Record<string, unknown>; replays: Record<string, unknown> };
    expect(good.identity).toMatch(/^[0-9a-f]{64}$/);
    const linted = Object.keys(good.entries).length;
    // As after an upgrade: the same shape, written by another build, with entries of its own.
    const older = { ...good, identity: 'f'.repeat(64), entries: { ...good.entries, ['0'.repeat(64)]: Object.values(good.entries)[0] } };
    writeFileSync(cacheFile(cache), JSON.stringify(older));
    // The run's record, of the same build as the entries, goes with them (or the run would be printed from it).
    rmRuns(cache);
    const r = await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
    expect(r.stdout).toBe(expected);
    const rewritten = JSON.parse(readFileSync(cacheFile(cache), 'utf8')) as typeof good;
    expect(rewritten.identity).toBe(good.identity);
    expect(Object.keys(rewritten.entries).sort()).toEqual(Object.keys(good.entries).sort());
    expect(Object.keys(rewritten.entries)).toHaveLength(linted);
  });

  it('--no-cache writes nothing; the default location is node_modules/.cache/migralint when the project has node_modules', { timeout: 300_000 }, async () => {
    const dir = project();
    write(dir, 'node_modules/.keep', '');
    await run(['migrations', '--format', 'json', '--no-cache'], dir);
    expect(existsSync(path.join(dir, 'node_modules', '.cache'))).toBe(false);
    await run(['migrations', '--format', 'json'], dir);
    expect(existsSync(cacheFile(path.join(dir, 'node_modules', '.cache', 'migralint')))).toBe(true);
  });

  it('a changed file, config, or file beside a migration is linted again', { timeout: 300_000 }, async () => {
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    const lint = async () =>
      JSON.parse((await run(['migrations', '--format', 'json', '--cache-location', cache], dir)).stdout) as Array<{
        framework: string;
        messages: Array<{ ruleId: string; message: string }>;
      }>;
    // A Rust project's migrations/ folder is sqlx's; without Cargo.toml beside it, plain psql.
    write(dir, 'migrations/0001_orders.sql', 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
    expect((await lint())[0]!.framework).toBe('psql');
    write(dir, 'Cargo.toml', '[package]\nname = "shop"\nversion = "0.1.0"\n');
    expect((await lint())[0]!.framework).toBe('sqlx');
    // The file itself.
    expect((await lint())[0]!.messages.map((m) => m.ruleId)).toContain('require-concurrent-index-creation');
    write(dir, 'migrations/0001_orders.sql', 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n');
    expect((await lint())[0]!.messages.map((m) => m.ruleId)).not.toContain('require-concurrent-index-creation');
    // The config: a rule turned off.
    write(dir, 'migrations/0002_legacy_total.sql', 'ALTER TABLE orders DROP COLUMN legacy_total;\n');
    const withRule = (await lint()).find((r) => r.messages.some((m) => m.ruleId === 'ban-drop-column'));
    expect(withRule).toBeDefined();
    write(dir, 'migralint.config.json', JSON.stringify({ rules: { 'ban-drop-column': 'off' } }));
    expect((await lint()).some((r) => r.messages.some((m) => m.ruleId === 'ban-drop-column'))).toBe(false);
  });

  it('the history is replayed from the cache: what each migration taught the catalog is kept by content', { timeout: 300_000 }, async () => {
    const { dir, cache } = sqlHistory({
      '0001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n',
      '0002_note.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
    });
    const lint = async (file: string) =>
      JSON.parse((await run([file, '--format', 'json', '--cache-location', cache], dir)).stdout) as Array<{
        messages: Array<{ ruleId: string; message: string }>;
      }>;
    const unknownObjects = async (file: string) => (await lint(file))[0]!.messages.filter((m) => m.ruleId === 'schema-history').map((m) => m.message);
    // Linting 0001 keeps what its replay learned; 0002 meets orders, created before it.
    expect(await lint('db/migrations/0001_orders.sql')).toHaveLength(1);
    const stored = JSON.parse(readFileSync(replaysFile(cache), 'utf8')) as {
      replays: Record<string, { replay: { packed: { objects: { tables: Record<string, unknown> } } } }>;
    };
    const replays = Object.values(stored.replays);
    expect(replays).toHaveLength(1);
    expect(Object.keys(replays[0]!.replay.packed.objects.tables)).toEqual(['public.orders']);
    // Proof a later run takes 0001's replay from the cache instead of parsing it: a delta altered on disk (orders
    // never created) is what 0002 meets.
    replays[0]!.replay.packed.objects.tables = {};
    writeFileSync(replaysFile(cache), JSON.stringify(stored));
    expect((await unknownObjects('db/migrations/0002_note.sql')).join('\n')).toContain('orders');
    // The cache only names what it saw: 0001 changed on disk is replayed again, and 0002 is linted again against it.
    rmCache(cache);
    expect(await unknownObjects('db/migrations/0002_note.sql')).toEqual([]);
    write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE customers (id bigint PRIMARY KEY);\n');
    expect((await unknownObjects('db/migrations/0002_note.sql')).join('\n')).toContain('orders');
    write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n');
    expect(await unknownObjects('db/migrations/0002_note.sql')).toEqual([]);
  });

  it('a renamed table changed later in the same migration leaves the replays cached before it as they were', { timeout: 300_000 }, async () => {
    const { dir, cache } = sqlHistory({
      '0001_user_ban.sql':
        'CREATE TABLE user_ban (\n  id serial PRIMARY KEY,\n  user_id integer NOT NULL,\n  CONSTRAINT user_ban_user_id_key UNIQUE (user_id)\n);\n',
      '0002_post.sql': 'CREATE TABLE post (id serial PRIMARY KEY, name text NOT NULL);\n',
      '0003_person_ban.sql': [
        'ALTER TABLE user_ban RENAME TO person_ban;',
        'ALTER TABLE person_ban RENAME CONSTRAINT user_ban_pkey TO person_ban_pkey;',
        'ALTER TABLE person_ban RENAME COLUMN user_id TO person_id;',
        'ALTER TABLE person_ban RENAME CONSTRAINT user_ban_user_id_key TO person_ban_person_id_key;',
        '',
      ].join('\n'),
    });
    const lint = async (args: string[]) =>
      JSON.parse((await run(['.', '--format', 'json', ...args], dir)).stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    expect(await lint(['--cache-location', cache])).toEqual(await lint(['--no-cache']));
    // 0001's replay, as kept, is the table 0001 created: the later rename's changes are not in it.
    const stored = JSON.parse(readFileSync(replaysFile(cache), 'utf8')) as { replays: Record<string, { replay: { packed: { objects: { tables: object } } } }> };
    const kept = Object.values(stored.replays).map((r) => JSON.stringify(r.replay.packed.objects.tables));
    const userBan = kept.find((t) => t.includes('"public.user_ban"'));
    expect(userBan).toContain('"user_ban_pkey"');
    expect(userBan).toContain('"user_id"');
    expect(userBan).not.toContain('person');
    // 0002 changed: 0003 meets another catalog and is linted again, over 0001's replay from the cache.
    write(dir, 'db/migrations/0002_post.sql', 'CREATE TABLE post (id serial PRIMARY KEY, name text NOT NULL, body text);\n');
    const warm = await lint(['--cache-location', cache]);
    expect(warm).toEqual(await lint(['--no-cache']));
    expect(warm.find((r) => r.filePath.endsWith('0003_person_ban.sql'))!.messages.filter((m) => m.ruleId === 'schema-history')).toEqual([]);
  });

  it(
    "a Django history is replayed from the cache: each migration's change to Django's state is kept, only over the state it met",
    { timeout: 300_000 },
    async () => {
      const dir = tmp();
      cpSync(path.join(root, 'fixtures', 'frameworks', 'django-store'), dir, { recursive: true });
      const cache = path.join(dir, 'cache');
      const lint = () => run(['.', '--format', 'json', '--cache-location', cache], dir);
      const uncached = () => run(['.', '--format', 'json', '--no-cache'], dir);
      const edit = (file: string, from: string, to: string) => {
        const text = readFileSync(path.join(dir, file), 'utf8');
        expect(text).toContain(from);
        writeFileSync(path.join(dir, file), text.replace(from, to));
      };
      type Stored = { replays: Record<string, { replay: { hash: string; packed: { framework?: { from: string; change: unknown } } } }> };
      const stored = () => JSON.parse(readFileSync(replaysFile(cache), 'utf8')) as Stored;
      const expected = await uncached();
      expect(expected.code).toBe(1);
      expect(await lint()).toEqual(expected);
      expect(await lint()).toEqual(expected);
      // Every migration's replay is kept (13 in the fixture), as its change to the state: a model is named only by the
      // migrations that change it (accounts.customer by its two), not by every later one, as the whole state would be.
      const replays = Object.values(stored().replays);
      expect(replays).toHaveLength(13);
      expect(replays.every((r) => r.replay.packed.framework !== undefined)).toBe(true);
      const modelsChanged = (change: unknown) => {
        const c = change as { o?: { models?: { o?: object } }; v?: { models?: object } };
        return Object.keys(c.o?.models?.o ?? c.v?.models ?? {});
      };
      expect(replays.filter((r) => modelsChanged(r.replay.packed.framework!.change).includes('accounts.customer'))).toHaveLength(2);

      // Proof a later run takes Django's state from the cache, not from replaying the migrations: a stored change
      // altered on disk (the column of orders.channel) is what a new operation in 0006 meets.
      const last = 'orders/migrations/0006_order_reference_not_null.py';
      const tamper = (alsoFrom: boolean) => {
        const data = stored();
        let altered = 0;
        for (const r of Object.values(data.replays)) {
          const fw = r.replay.packed.framework;
          // (channel, or channel_tampered once altered)
          if (!fw || !JSON.stringify(fw.change).includes('"column":"channel')) continue;
          fw.change = JSON.parse(JSON.stringify(fw.change).replaceAll('"column":"channel"', '"column":"channel_tampered"'));
          if (alsoFrom) fw.from = 'f'.repeat(64);
          altered++;
        }
        expect(altered).toBeGreaterThan(0);
        writeFileSync(replaysFile(cache), JSON.stringify(data));
      };
      tamper(false);
      edit(
        last,
        '            field=models.CharField(blank=True, max_length=40),\n        ),\n',
        "            field=models.CharField(blank=True, max_length=40),\n        ),\n        migrations.RemoveField(model_name='order', name='channel'),\n",
      );
      const fromCache = await lint();
      expect(fromCache.stdout).toContain('Dropping column channel_tampered of orders_order');
      expect((await uncached()).stdout).toContain('Dropping column channel of orders_order');

      // A change is used only over the state it was taken from (named in it): the same alteration, stored as taken
      // from another state, is not used, and the migration is replayed again.
      tamper(true);
      edit(last, "migrations.RemoveField(model_name='order', name='channel'),", "migrations.RemoveField(model_name='order', name='channel'),  # gone");
      const guarded = await lint();
      expect(guarded.stdout).not.toContain('channel_tampered');
      expect(guarded).toEqual(await uncached());

      // Stale: an earlier migration changed (orders.channel gets a db_column); 0006 is unchanged, but the state it
      // meets is not, so its cached result and replays after 0005 are not used.
      rmCache(cache);
      expect(await lint()).toEqual(await uncached());
      edit(
        'orders/migrations/0005_order_channel_and_more.py',
        "field=models.CharField(default='web', max_length=20),",
        "field=models.CharField(default='web', max_length=20, db_column='sales_channel'),",
      );
      const after = await uncached();
      expect(after.stdout).toContain('Dropping column sales_channel of orders_order');
      expect(await lint()).toEqual(after);
      expect(await lint()).toEqual(after);
    },
  );
});

describe("the run's record: a run the cache has seen is printed from it", () => {
  it(
    'an unchanged project is printed from the entries its record names, without reading the replays; any change falls back',
    { timeout: 300_000 },
    async () => {
      const { dir, uncachedJson } = await sharedProject();
      const cache = path.join(dir, 'cache-record');
      const lint = () => run(['migrations', '--format', 'json', '--cache-location', cache], dir);
      expect(await lint()).toEqual(uncachedJson);
      const stored = readFileSync(cacheFile(cache), 'utf8');
      expect(runFiles(cache)).toHaveLength(1);
      // Proof the report is printed from the record: altered there (the same length), it shows.
      const [record] = runFiles(cache);
      const kept = readFileSync(record!, 'utf8');
      writeFileSync(record!, kept.replace(/("ruleId": ")require-/g, '$1REQUIRE-'));
      expect((await lint()).stdout).toContain('"ruleId": "REQUIRE-');
      writeFileSync(record!, kept);
      // Another format: its own record and report, each printed as a run without a cache prints it.
      const stylish = await run(['migrations', '--no-cache'], dir);
      expect(await run(['migrations', '--cache-location', cache], dir)).toEqual(stylish);
      expect(await run(['migrations', '--cache-location', cache], dir)).toEqual(stylish);
      expect(runFiles(cache)).toHaveLength(2);
      expect(readFileSync(record!, 'utf8')).toBe(kept);
      // Another report of the same run (--quiet): from the results the record names, then from its own report.
      const quiet = await run(['migrations', '--format', 'json', '--quiet', '--no-cache'], dir);
      expect(quiet.stdout).not.toBe(uncachedJson.stdout);
      for (let i = 0; i < 2; i++) expect(await run(['migrations', '--format', 'json', '--quiet', '--cache-location', cache], dir)).toEqual(quiet);
      expect(await lint()).toEqual(uncachedJson);
      // Proof the replays are not needed: unreadable, they are neither read (the run prints what a cold run prints)
      // nor rewritten, and the cache file is left as it was.
      writeFileSync(replaysFile(cache), 'not json');
      expect(await lint()).toEqual(uncachedJson);
      expect(readFileSync(replaysFile(cache), 'utf8')).toBe('not json');
      expect(readFileSync(cacheFile(cache), 'utf8')).toBe(stored);
      // A migration added: the record does not match; the history is replayed (and the replays written again).
      write(dir, 'migrations/golang-migrate/000099_orders_note.up.sql', 'ALTER TABLE orders ADD COLUMN note text;\n');
      try {
        const added = await run(['migrations', '--format', 'json', '--no-cache'], dir);
        expect(added.stdout).not.toBe(uncachedJson.stdout);
        expect(await lint()).toEqual(added);
        expect(await lint()).toEqual(added);
        expect(JSON.parse(readFileSync(replaysFile(cache), 'utf8')).format).toBe('migralint-lint-replays');
      } finally {
        rmSync(path.join(dir, 'migrations/golang-migrate/000099_orders_note.up.sql'));
      }
      expect(await lint()).toEqual(uncachedJson);
    },
  );

  it('keeps what the end of the history settled: a foreign key indexed by a later migration is not reported, warm or cold', { timeout: 300_000 }, async () => {
    const { dir, cache } = sqlHistory({
      '0001_orders.sql':
        'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));\n',
      '0002_orders_customer_idx.sql': 'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n',
    });
    const lint = () => run(['db', '--format', 'json', '--cache-location', cache], dir);
    const expected = await run(['db', '--format', 'json', '--no-cache'], dir);
    expect(expected.stdout).not.toContain('require-index-on-foreign-key');
    expect(await lint()).toEqual(expected);
    // The file's own entry keeps the finding (the first file alone reports it); the record leaves it out.
    expect(readFileSync(cacheFile(cache), 'utf8')).toContain('require-index-on-foreign-key');
    expect(await lint()).toEqual(expected);
    expect((await run(['db/migrations/0001_orders.sql', '--format', 'json', '--cache-location', cache], dir)).stdout).toContain('require-index-on-foreign-key');
    expect(await lint()).toEqual(expected);
  });
});

describe('a changed migration in a long history: what the run before it knew of the others', () => {
  const history = {
    '0001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n',
    '0002_customers.sql': 'CREATE TABLE customers (id bigint PRIMARY KEY);\n',
    '0003_orders_note.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
    '0004_customers_name.sql': 'ALTER TABLE customers ADD COLUMN name text;\n',
  };
  const newest = 'db/migrations/0004_customers_name.sql';
  /** The checkpoints kept (one per project): the first line the checkpoint, the rest the catalog's JSON. */
  const checkpoints = (cache: string) =>
    readdirSync(cache)
      .filter((f) => /^lint-history-[0-9a-f]+\.json$/.test(f))
      .map((f) => path.join(cache, f));
  const lintJson = async (dir: string, args: string[]) => (await run([...args, '--format', 'json'], dir)).stdout;
  const unknownObjects = (json: string) =>
    (JSON.parse(json) as Array<{ messages: Array<{ ruleId: string; message: string }> }>)
      .flatMap((r) => r.messages)
      .filter((m) => m.ruleId === 'schema-history')
      .map((m) => m.message);

  it(
    'the newest migration meets the catalog a checkpoint kept of the ones before it; a change before it is not served by it',
    { timeout: 300_000 },
    async () => {
      const { dir, cache } = sqlHistory(history);
      const cached = () => lintJson(dir, [newest, '--cache-location', cache]);
      const uncached = () => lintJson(dir, [newest, '--no-cache']);
      expect(await lintJson(dir, ['db', '--cache-location', cache])).toBe(await lintJson(dir, ['db', '--no-cache']));
      // Kept before the last file the run linted: the catalog of 0001-0003.
      const [file] = checkpoints(cache);
      const text = readFileSync(file!, 'utf8');
      const head = JSON.parse(text.slice(0, text.indexOf('\n'))) as { format: string; count: number };
      expect(head).toMatchObject({ format: 'migralint-lint-checkpoint', count: 3 });
      expect(Object.keys((JSON.parse(text.slice(text.indexOf('\n') + 1)) as { tables: object }).tables).sort()).toEqual(['public.customers', 'public.orders']);
      // Proof the next run takes it instead of replaying 0001-0003: a catalog altered on disk (customers never created)
      // is what a changed 0004 meets.
      const altered = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { tables: Record<string, unknown> };
      delete altered.tables['public.customers'];
      writeFileSync(file!, `${text.slice(0, text.indexOf('\n'))}\n${JSON.stringify(altered)}`);
      write(dir, newest, `${history['0004_customers_name.sql']}-- a comment\n`);
      expect(unknownObjects(await cached()).join('\n')).toContain('customers');
      writeFileSync(file!, text);
      write(dir, newest, `${history['0004_customers_name.sql']}-- another comment\n`);
      expect(unknownObjects(await cached())).toEqual([]);
      expect(await cached()).toBe(await uncached());
      // 0002 changed: the checkpoint no longer names the migrations before 0004, which meets them replayed.
      write(dir, 'db/migrations/0002_customers.sql', 'CREATE TABLE clients (id bigint PRIMARY KEY);\n');
      const changed = await uncached();
      expect(unknownObjects(changed).join('\n')).toContain('customers');
      expect(await cached()).toBe(changed);
      expect(await cached()).toBe(changed);
      write(dir, 'db/migrations/0002_customers.sql', history['0002_customers.sql']);
      expect(await cached()).toBe(await uncached());
      // A corrupt or foreign checkpoint is ignored, and a run that lints the newest migration writes it again.
      for (const bad of ['{"format":"migralint-lint-checkpoint"', '{"format":"something-else"}\n{}', `${text.slice(0, text.indexOf('\n'))}\n[1,2`]) {
        writeFileSync(file!, bad);
        write(dir, newest, `${history['0004_customers_name.sql']}-- ${bad.length}\n`);
        expect(await cached()).toBe(await uncached());
        expect(JSON.parse(readFileSync(file!, 'utf8').split('\n')[0]!)).toMatchObject({ format: 'migralint-lint-checkpoint', count: 3 });
      }
    },
  );

  it(
    "the history's plan takes what detection said of an unchanged file from the run's record, and asks again when a file it consulted changes",
    { timeout: 300_000 },
    async () => {
      const { dir, cache } = sqlHistory(history);
      const cached = () => lintJson(dir, [newest, '--cache-location', cache]);
      expect(await cached()).toBe(await lintJson(dir, [newest, '--no-cache']));
      const [record] = runFiles(cache);
      const text = readFileSync(record!, 'utf8');
      const end = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n');
      const head = JSON.parse(text.slice(0, end)) as { recognised: { deps: Array<[string, string]>; files: string[][] } };
      const answers = new Map(head.recognised.files.map((f) => [path.basename(f[0]!), f.slice(2)]));
      expect(answers.get('0002_customers.sql')).toEqual(['psql']);
      // Detection asked the files beside the history (a Diesel project's Cargo.toml, Atlas's atlas.sum …).
      expect(head.recognised.deps.map(([f]) => path.relative(dir, f))).toContain(path.join('db', 'migrations', 'atlas.sum'));
      // Proof the next run takes the answers kept: 0002 said not to be a migration is left out of the history.
      for (const f of head.recognised.files) if (f[0]!.endsWith('0002_customers.sql')) f.splice(2, 1, '', 'Not a migration (altered in the test).');
      writeFileSync(record!, `${JSON.stringify(head)}${text.slice(end)}`);
      write(dir, newest, `${history['0004_customers_name.sql']}-- a comment\n`);
      expect(unknownObjects(await cached()).join('\n')).toContain('customers');
      // A file detection consulted is there now: every file is asked again.
      writeFileSync(record!, `${JSON.stringify(head)}${text.slice(end)}`);
      write(dir, 'db/migrations/atlas.sum', 'h1:ZXhhbXBsZQ==\n0001_orders.sql h1:ZXhhbXBsZQ==\n');
      write(dir, newest, `${history['0004_customers_name.sql']}-- another comment\n`);
      const uncached = await lintJson(dir, [newest, '--no-cache']);
      expect(unknownObjects(uncached).join('\n')).not.toContain('customers');
      expect(await cached()).toBe(uncached);
    },
  );
});

describe('the cache stays the size of the project', () => {
  it('a newer version of a file replaces the entry and replay of the older one (a pre-commit hook lints each version)', () => {
    const dir = tmp();
    const file = (i: number) => Buffer.from(`CREATE INDEX CONCURRENTLY orders_created_${i}_idx ON orders (created_at);\n`);
    const result = (i: number): FileResult => ({
      filePath: 'db/migrations/0002_index.sql',
      findings: [
        {
          ruleId: 'require-lock-timeout',
          severity: 'warn',
          message: `No lock_timeout is set before CREATE INDEX orders_created_${i}_idx. ${'While it waits for its lock, queries queue behind it. '.repeat(30)}`,
          span: { start: 0, end: 60 },
          loc: { line: 1, column: 1, endLine: 1, endColumn: 61 },
        },
      ],
    });
    const keys = (bytes: Buffer, filePath = 'db/migrations/0002_index.sql') => ({
      lint: cacheKey({ version: '1.0.0', path: `${dir}\0${filePath}`, bytes, options: { rules: {} }, sizes: '' }),
      replay: cacheKey({ version: '1.0.0', path: `${dir}\0${filePath}`, bytes, options: {}, sizes: '', incomingSchema: 'start', kind: 'replay' }),
    });
    const replay = { packed: packDelta(emptyDelta(), emptyModel())!, hash: 'h' };
    // Another file: kept throughout.
    const other = keys(Buffer.from('CREATE TABLE orders (id bigint PRIMARY KEY);\n'), 'db/migrations/0001_orders.sql');
    const first = LintCache.open(dir);
    first.set(other.lint, [], { ...result(0), filePath: 'db/migrations/0001_orders.sql' });
    first.setReplay(other.replay, [], replay);
    expect(first.save()).toBeUndefined();
    let folded = 0;
    for (let i = 0; i < 300; i++) {
      const cache = LintCache.open(dir);
      const k = keys(file(i));
      expect(cache.get(k.lint)).toBeUndefined();
      cache.set(k.lint, [], result(i));
      cache.setReplay(k.replay, [], replay);
      expect(cache.save()).toBeUndefined();
      // Written whole (the journal folded in): one entry and one replay per file.
      if (!existsSync(path.join(dir, 'lint-cache.journal'))) {
        folded++;
        expect(Object.keys(JSON.parse(readFileSync(cacheFile(dir), 'utf8')).entries)).toHaveLength(2);
        expect(Object.keys(JSON.parse(readFileSync(replaysFile(dir), 'utf8')).replays)).toHaveLength(2);
      }
    }
    expect(folded).toBeGreaterThan(0);
    // Read back (file and journal): the newest version's entry, not an older one's; the other file's.
    const cache = LintCache.open(dir);
    expect(cache.get(keys(file(299)).lint)?.findings[0]!.message).toContain('orders_created_299_idx');
    expect(cache.get(keys(file(298)).lint)).toBeUndefined();
    expect(cache.get(keys(file(0)).lint)).toBeUndefined();
    expect(cache.get(other.lint)).toBeDefined();
    expect(cache.getReplay(keys(file(298)).replay)).toBeUndefined();
    expect(cache.getReplay(keys(file(299)).replay)).toBeDefined();
    expect(cache.getReplay(other.replay)).toBeDefined();
  });
});

describe('the run records stay few', () => {
  it('keeps the records of the 16 ways the CLI was run most recently, the newest always', () => {
    const dir = tmp();
    const summary = { results: 1, errors: 0, warnings: 1 };
    for (let i = 0; i < 20; i++) {
      const cache = LintCache.open(dir);
      // As after a run of one more file (a pre-commit hook naming each new migration).
      cache.setRun(`${String(i).padStart(2, '0')}${'a'.repeat(62)}`, `input ${i}`, [[`db/migrations/00${i}_orders.sql`, '0'.repeat(64), []]]);
      cache.setReport(`report ${i}`, `db/migrations/00${i}_orders.sql\n  1:1  warning  require-lock-timeout\n`, summary);
      expect(cache.save()).toBeUndefined();
      expect(runFiles(dir).length).toBe(Math.min(i + 1, 16));
      expect(runFiles(dir).some((f) => path.basename(f).startsWith(`lint-run-${String(i).padStart(2, '0')}`))).toBe(true);
    }
  });
});

describe('the lint cache keeps up with what a result depends on', () => {
  it('Django: a changed settings.AUTH_USER_MODEL changes the state every later migration meets, cached replays included', { timeout: 300_000 }, async () => {
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    write(dir, 'manage.py', 'import os\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n');
    const settings = (user: string) =>
      write(dir, 'shop/settings.py', `import os\n\nDEBUG = False\n\n${user}\nMIGRATION_MODULES = {"auth": "shop.auth.migrations"}\n`);
    write(
      dir,
      'shop/auth/migrations/0001_initial.py',
      `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                ("id", models.AutoField(verbose_name="ID", serialize=False, auto_created=True, primary_key=True)),
                ("username", models.CharField(unique=True, max_length=30)),
            ],
            options={"swappable": "AUTH_USER_MODEL"},
        ),
    ]
`,
    );
    write(
      dir,
      'shop/account/migrations/0001_initial.py',
      `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("auth", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, unique=True)),
            ],
        ),
    ]
`,
    );
    write(
      dir,
      'shop/order/migrations/0001_initial.py',
      `import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
        ),
        migrations.AddField(
            model_name="order",
            name="user",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL),
        ),
    ]
`,
    );
    write(
      dir,
      'shop/order/migrations/0002_user_email.py',
      `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("order", "0001_initial")]

    operations = [
        migrations.RunSQL("ALTER TABLE auth_user ADD COLUMN nickname text;"),
    ]
`,
    );
    const lint = () => run(['shop', '--format', 'json', '--cache-location', cache], dir);
    const uncached = () => run(['shop', '--format', 'json', '--no-cache'], dir);
    const reports: string[] = [];
    for (const user of [
      'AUTH_USER_MODEL = "account.User"',
      '',
      'AUTH_USER_MODEL = os.environ.get("AUTH_USER_MODEL", "account.User")',
      'AUTH_USER_MODEL = "account.User"',
    ]) {
      settings(user);
      const expected = await uncached();
      reports.push(expected.stdout);
      expect(await lint()).toEqual(expected);
      expect(await lint()).toEqual(expected);
    }
    // The settings matter: account.User replaces auth.User, whose table is then unknown to the last migration.
    const unknown = reports.map((r) => r.includes('no earlier migration created (ALTER TABLE public.auth_user)'));
    expect(unknown).toEqual([true, false, false, true]);
  });
});

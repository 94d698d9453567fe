import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDirs, write } from '../helpers/repo.js';
import { once } from '../helpers/once.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempDirs('migralint-cache-');

/** The CLI in this process (test/helpers/cli.ts): the cache is the CLI's, the same in and out of a spawned process. */
function run(args: string[], cwd: string) {
  return runCli(args, { cwd });
}

const cacheFile = (dir: string) => path.join(dir, 'lint-cache.json');
const rmCache = (dir: string) => rmSync(dir, { recursive: true, force: true });

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
    // Proof the warm run reads the cache: an entry altered on disk shows up in the report.
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
    const lint = (file: string) => run([file, '--format', 'json', '--cache-location', cache], dir);
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

  it('ignores and rewrites a corrupt, truncated or foreign cache file', { timeout: 300_000 }, async () => {
    const { dir, uncachedJson } = await sharedProject();
    const cache = path.join(dir, 'cache-corrupt');
    const expected = uncachedJson.stdout;
    const good = await (async () => {
      await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
      return readFileSync(cacheFile(cache), 'utf8');
    })();
    const bad = [
      'not json at all {',
      good.slice(0, Math.floor(good.length / 2)),
      JSON.stringify({ format: 'eslint-cache', version: 1, run: 1, entries: {} }),
      // Right header, entries of the wrong shape.
      JSON.stringify({
        ...JSON.parse(good),
        entries: Object.fromEntries(Object.keys(JSON.parse(good).entries).map((k) => [k, { deps: 'x', result: null, used: 1 }])),
      }),
      // Replays of the wrong shape (a delta without its kinds), and no replays at all.
      JSON.stringify({
        ...JSON.parse(good),
        replays: Object.fromEntries(
          Object.keys(JSON.parse(good).replays).map((k) => [k, { deps: [], replay: { packed: { objects: { tables: 'x' } }, hash: 'h' }, used: 1 }]),
        ),
      }),
      JSON.stringify({ ...JSON.parse(good), replays: undefined }),
    ];
    for (const text of bad) {
      writeFileSync(cacheFile(cache), text);
      const r = await run(['migrations', '--format', 'json', '--cache-location', cache], dir);
      expect(r.stdout).toBe(expected);
      expect(r.stderr).toBe('');
      const rewritten = JSON.parse(readFileSync(cacheFile(cache), 'utf8'));
      expect(rewritten.format).toBe('migralint-lint-cache');
      expect(Object.keys(rewritten.entries).length).toBeGreaterThan(0);
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
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n');
    write(dir, 'db/migrations/0002_note.sql', 'ALTER TABLE orders ADD COLUMN note text;\n');
    const lint = async (file: string) =>
      JSON.parse((await run([file, '--format', 'json', '--cache-location', cache], dir)).stdout) as Array<{
        messages: Array<{ ruleId: string; message: string }>;
      }>;
    const unknownObjects = async (file: string) => (await lint(file))[0]!.messages.filter((m) => m.ruleId === 'schema-history').map((m) => m.message);
    // Linting 0001 keeps what its replay learned; 0002 meets orders, created before it.
    expect(await lint('db/migrations/0001_orders.sql')).toHaveLength(1);
    const stored = JSON.parse(readFileSync(cacheFile(cache), 'utf8')) as {
      replays: Record<string, { replay: { packed: { objects: { tables: Record<string, unknown> } } } }>;
    };
    const replays = Object.values(stored.replays);
    expect(replays).toHaveLength(1);
    expect(Object.keys(replays[0]!.replay.packed.objects.tables)).toEqual(['public.orders']);
    // Proof a later run takes 0001's replay from the cache instead of parsing it: a delta altered on disk (orders
    // never created) is what 0002 meets.
    replays[0]!.replay.packed.objects.tables = {};
    writeFileSync(cacheFile(cache), JSON.stringify(stored));
    expect((await unknownObjects('db/migrations/0002_note.sql')).join('\n')).toContain('orders');
    // The cache only names what it saw: 0001 changed on disk is replayed again, and 0002 is linted again against it.
    rmCache(cache);
    expect(await unknownObjects('db/migrations/0002_note.sql')).toEqual([]);
    write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE customers (id bigint PRIMARY KEY);\n');
    expect((await unknownObjects('db/migrations/0002_note.sql')).join('\n')).toContain('orders');
    write(dir, 'db/migrations/0001_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n');
    expect(await unknownObjects('db/migrations/0002_note.sql')).toEqual([]);
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
      const stored = () => JSON.parse(readFileSync(cacheFile(cache), 'utf8')) as Stored;
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
        writeFileSync(cacheFile(cache), JSON.stringify(data));
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

import { describe, expect, it } from 'vitest';
import { diskFileSystem } from '../../src/disk.js';
import { lintText, loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { extractEcto } from '../../src/frameworks/ecto/extract.js';
import { detectFramework, unrecognised } from '../../src/frameworks/index.js';
import { parseElixir } from '../../src/sources/elixir/reader.js';
import type { OperationItem, SqlChunk } from '../../src/types.js';
import { RuleTester } from '../helpers/rule-tester.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';

const tester = new RuleTester();
const M = 'ecto/priv/repo/migrations';
const WRAPPED = 'Ecto runs each migration in a transaction (unless the module sets @disable_ddl_transaction true)';
const TABLES = {
  orders: { rows: 2_000_000, partitioned: false },
  accounts: { rows: 400_000, partitioned: false },
  shipments: { rows: 1_000_000, partitioned: false },
};
const FILE = fx(`${M}/20240501000000_change.exs`);

/** A fix's result is Elixir the reader follows to the end. */
function parsesAsElixir(text: string): void {
  expect(() => parseElixir(text)).not.toThrow();
}

const sqlOf = (rel: string) => extractFixture(`${M}/${rel}`).unit.items.map((i) => (i.kind === 'operation' ? i.sql : i.text));
const extract = (text: string) => extractEcto({ path: FILE, text, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} });
const migration = (body: string, attrs = '') =>
  `defmodule Shop.Repo.Migrations.Change do\n  use Ecto.Migration\n${attrs}\n  def change do\n${body}\n  end\nend\n`;

describe('Ecto', () => {
  it('detects priv/repo/migrations/*.exs migrations; other Elixir scripts are not migrations', async () => {
    await loadParsers();
    const fs = diskFileSystem();
    expect(detectFramework(fx(`${M}/20240310120000_add_orders_status_index.exs`), read(`${M}/20240310120000_add_orders_status_index.exs`), fs)).toBe('ecto');
    expect(unrecognised(fx('ecto/priv/repo/seeds.exs'), 'Shop.Repo.insert!(%Shop.Account{name: "demo"})\n', fs)).toMatch(
      /an Elixir script that is not an Ecto migration/,
    );
  });

  it('each migration in a transaction; @disable_ddl_transaction true opts out; execute strings are one query each', () => {
    const wrapped = extractFixture(`${M}/20240315100000_require_order_status.exs`).unit;
    expect(wrapped.items.map((i) => [i.kind, i.exec])).toEqual([
      ['sql', { wrapped: true, reason: WRAPPED, oneQuery: true }],
      ['operation', { wrapped: true, reason: WRAPPED, oneQuery: false }],
    ]);
    const optedOut = extractFixture(`${M}/20240312090000_add_orders_inserted_at_index.exs`).unit;
    expect(optedOut.items.map((i) => [(i as OperationItem).sql, i.exec])).toEqual([
      [
        'CREATE INDEX CONCURRENTLY "orders_inserted_at_index" ON "orders" ("inserted_at")',
        { wrapped: false, reason: '@disable_ddl_transaction true runs this migration outside a transaction', oneQuery: false },
      ],
    ]);
    expect(optedOut.notes).toEqual([]);
  });

  it("a concurrent build without @disable_migration_lock true is reported: it waits for the migration lock's transaction", async () => {
    const r = await lintFixture(`${M}/20240401093000_add_accounts_inserted_at_index.exs`);
    expect(r.findings.map((f) => [f.loc.line, f.ruleId])).toEqual([[2, 'framework-config']]);
    expect(r.findings[0]!.message).toMatch(/^A concurrent index build without @disable_migration_lock true/);
  });

  it("the DSL as the SQL Ecto's Postgres adapter sends", () => {
    expect(sqlOf('20240301090500_create_orders.exs')).toEqual([
      'CREATE TABLE "orders" ("id" bigserial, "account_id" bigint CONSTRAINT "orders_account_id_fkey" REFERENCES "accounts"("id") ON DELETE CASCADE NOT NULL, "total" decimal(10,2), "status" varchar(255), "metadata" jsonb DEFAULT \'{}\', "inserted_at" timestamp(0) NOT NULL, "updated_at" timestamp(0) NOT NULL, PRIMARY KEY ("id"))',
      'CREATE INDEX "orders_account_id_index" ON "orders" ("account_id")',
    ]);
    expect(sqlOf('20240301090000_create_accounts.exs')[1]).toBe('CREATE UNIQUE INDEX "accounts_email_index" ON "accounts" ("email")');
    expect(sqlOf('20240315100000_require_order_status.exs')).toEqual([
      // A heredoc: the closing delimiter's indentation is removed from each line.
      "UPDATE orders SET status = 'pending' WHERE status IS NULL\n",
      'ALTER TABLE "orders" ALTER COLUMN "status" TYPE varchar(255), ALTER COLUMN "status" SET NOT NULL',
    ]);
    expect(sqlOf('20240320090000_add_return_order_to_shipments.exs')).toEqual([
      'ALTER TABLE "shipments" ADD COLUMN "return_order_id" bigint CONSTRAINT "shipments_return_order_id_fkey" REFERENCES "orders"("id") ON DELETE SET NULL',
      'CREATE INDEX "shipments_return_order_id_index" ON "shipments" ("return_order_id")',
    ]);
    expect(sqlOf('20240322100000_add_total_check_to_orders.exs')).toEqual([
      'ALTER TABLE "orders" ADD CONSTRAINT "total_must_not_be_negative" CHECK (total >= 0) NOT VALID',
    ]);
    expect(sqlOf('20240322100100_validate_total_check_on_orders.exs')).toEqual(['ALTER TABLE orders VALIDATE CONSTRAINT total_must_not_be_negative']);
    expect(sqlOf('20240325080000_add_currency_to_orders.exs')).toEqual([`ALTER TABLE "orders" ADD COLUMN "currency" varchar(3) DEFAULT 'EUR' NOT NULL`]);
    expect(sqlOf('20240410090000_rename_account_name.exs')).toEqual(['ALTER TABLE "accounts" RENAME "name" TO "full_name"']);
  });

  it('strings map to their exact place in the file: heredocs, ~s sigils, escapes and #{} placeholders', () => {
    for (const rel of [
      '20240315100000_require_order_status.exs',
      '20240322100100_validate_total_check_on_orders.exs',
      '20240401093000_add_accounts_inserted_at_index.exs',
    ]) {
      const text = read(`${M}/${rel}`);
      const chunk = extractFixture(`${M}/${rel}`).unit.items.find((i): i is SqlChunk => i.kind === 'sql')!;
      for (const s of chunk.segments) {
        expect(s.verbatim).toBe(true);
        expect(text.slice(s.fileStart, s.fileStart + s.length)).toBe(chunk.text.slice(s.chunkStart, s.chunkStart + s.length));
      }
    }
    const u = extract(migration('    execute "UPDATE t SET a = \\"x\\" WHERE id = #{id}"'));
    const chunk = u.items[0] as SqlChunk;
    expect(chunk.text).toBe('UPDATE t SET a = "x" WHERE id = $1');
    expect(chunk.segments.filter((s) => !s.verbatim).map((s) => s.fileLength)).toEqual([2, 2, 5]);
  });

  it('lints the fixture project: findings at the calls', async () => {
    expect(lined(await lintFixture(`${M}/20240312090000_add_orders_inserted_at_index.exs`))).toEqual([]);
    expect(lined(await lintFixture(`${M}/20240322100100_validate_total_check_on_orders.exs`))).toEqual([]);
    expect(lined(await lintFixture(`${M}/20240315100000_require_order_status.exs`))).toEqual([
      [6, 'ban-unbatched-backfill'],
      [9, 'adding-not-nullable-field'],
      [9, 'changing-column-type'],
      [9, 'require-lock-timeout'],
    ]);
    const r = await lintFixture(`${M}/20240405100000_add_shipments_carrier_index.exs`);
    expect(lined(r)).toEqual([[5, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.message).toContain(WRAPPED);
  });

  it('a blocking index: concurrently: true with both module attributes, re-read and re-linted', async () => {
    const rel = `${M}/20240310120000_add_orders_status_index.exs`;
    const text = read(rel);
    const expected = text
      .replace('  use Ecto.Migration', '  use Ecto.Migration\n\n  @disable_ddl_transaction true\n  @disable_migration_lock true')
      .replace('create index(:orders, [:status])', 'create index(:orders, [:status], concurrently: true)');
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: fx(rel), tables: TABLES })).toBe(expected);
    parsesAsElixir(expected);
    expect(lined(await lintText(expected, { filename: fx(rel), tables: TABLES }))).toEqual([]);
  });

  it('concurrently: true inside the migration transaction: the fix adds the module attributes', async () => {
    const rel = `${M}/20240405100000_add_shipments_carrier_index.exs`;
    const text = read(rel);
    const expected = text.replace('  use Ecto.Migration', '  use Ecto.Migration\n\n  @disable_ddl_transaction true\n  @disable_migration_lock true');
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel) })).toBe(expected);
    parsesAsElixir(expected);
  });

  it('a migration that also needs its transaction: the help says to move the index to its own migration', async () => {
    const r = await lintText(
      migration('    alter table(:orders) do\n      add :note, :text\n    end\n\n    create index(:orders, [:note], concurrently: true)'),
      { filename: FILE },
    );
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('Move this statement into a new migration of its own with @disable_ddl_transaction true and @disable_migration_lock true');
  });

  it('require-lock-timeout: execute "SET lock_timeout" on the line before the call', async () => {
    const rel = `${M}/20240325080000_add_currency_to_orders.exs`;
    const text = read(rel);
    const expected = text.replace('    alter table', `    execute "SET lock_timeout = '2s'"\n    alter table`);
    expect(await tester.fix('require-lock-timeout', text, { filename: fx(rel) })).toBe(expected);
    parsesAsElixir(expected);
  });

  it('SQL built at run time and helper functions are reported, not guessed; unreadable Elixir is a parse-error; down only with includeDown', async () => {
    const u = extract(
      'defmodule M do\n  use Ecto.Migration\n\n  defp fixup(table), do: execute("ALTER TABLE #{table} SET (fillfactor = 90)")\n\n  def change do\n    execute(sql())\n    fixup(:orders)\n    Oban.Migrations.up()\n  end\nend\n',
    );
    expect(u.items).toEqual([]);
    expect(u.notes.map((n) => n.message.split(':')[0])).toEqual(['execute', 'fixup', 'Oban.Migrations.up']);
    const broken = await lintText(migration('    execute "SELECT 1'), { filename: FILE });
    expect(broken.findings.map((f) => f.ruleId)).toEqual(['parse-error']);
    const down = extractFixture(`${M}/20240315100000_require_order_status.exs`, { includeDown: true }).unit;
    expect(down.items.map((i) => [i.kind === 'operation' ? i.sql : i.text, i.exec.separateRun ?? false])).toEqual([
      ["UPDATE orders SET status = 'pending' WHERE status IS NULL\n", false],
      ['ALTER TABLE "orders" ALTER COLUMN "status" TYPE varchar(255), ALTER COLUMN "status" SET NOT NULL', false],
      ['ALTER TABLE "orders" ALTER COLUMN "status" TYPE varchar(255), ALTER COLUMN "status" DROP NOT NULL', true],
    ]);
  });

  it('Ecto queries in a migration (`from(s in "shop_settings", …)`, `not in`, `and`) are read past, not a parse-error', async () => {
    const text = migration(
      [
        '    alter table(:shop_settings) do',
        '      add :free_shipping_min, :integer',
        '    end',
        '',
        '    flush()',
        '',
        '    from(s in "shop_settings",',
        '      update: [set: [free_shipping_min: s.min_order * 2]],',
        '      where: s.currency not in ["XBT"] and not is_nil(s.min_order)',
        '    )',
        '    |> repo().update_all([])',
        '',
        '    create index(:shop_settings, [:free_shipping_min])',
      ].join('\n'),
    );
    expect(() => parseElixir(text)).not.toThrow();
    const r = await lintText(text, { filename: FILE });
    expect(r.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    const u = extract(text);
    expect(u.notes.map((n) => [n.ruleId, n.message.split(':')[0]])).toEqual([['unsupported-framework-construct', 'repo().update_all']]);
    expect(u.items.map((i) => (i.kind === 'operation' ? i.sql : i.text))).toEqual([
      'ALTER TABLE "shop_settings" ADD COLUMN "free_shipping_min" integer',
      'CREATE INDEX "shop_settings_free_shipping_min_index" ON "shop_settings" ("free_shipping_min")',
    ]);
  });

  it('calls with parentheses, do blocks of the outer call, timestamps in alter, drops and keyword options', () => {
    const u = extract(
      migration(
        [
          '    alter(table(:repository_users)) do',
          '      timestamps()',
          '    end',
          '    drop_if_exists index(:orders, [:status], concurrently: true)',
          '    create_if_not_exists(index(:orders, ["lower(email)"], name: :orders_lower_email_index, where: "email IS NOT NULL"))',
        ].join('\n'),
      ),
    );
    expect(u.items.map((i) => (i as OperationItem).sql)).toEqual([
      'ALTER TABLE "repository_users" ADD COLUMN "inserted_at" timestamp(0) NOT NULL, ADD COLUMN "updated_at" timestamp(0) NOT NULL',
      'DROP INDEX CONCURRENTLY IF EXISTS "orders_status_index"',
      'CREATE INDEX IF NOT EXISTS "orders_lower_email_index" ON "orders" (lower(email)) WHERE email IS NOT NULL',
    ]);
  });
});

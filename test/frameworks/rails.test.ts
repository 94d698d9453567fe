import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskFileSystem } from '../../src/disk.js';
import { fixText, lintText, loadParsers } from '../../src/engine/lint-text.js';
import { detectFramework, unrecognised } from '../../src/frameworks/index.js';
import { adapterFor } from '../../src/sources/index.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { foreignKeyName, indexName } from '../../src/frameworks/rails/schema-dsl.js';
import { firstError } from '../../src/sources/python/tree.js';
import { parseRuby } from '../../src/sources/ruby/tree.js';
import type { OperationItem, SqlChunk } from '../../src/types.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';
import type { FixType } from '../../src/engine/apply.js';
import type { LintTextOptions } from '../../src/engine/lint-text.js';

const tester = new RuleTester();

/** The rule's fix (or suggestion, with `types`) gives exactly `expected`, proven by the one rule tester. */
async function proveFix(
  text: string,
  filename: string,
  rule: string,
  expected: string,
  o: Pick<LintTextOptions, 'tables'> & { types?: FixType[] } = {},
): Promise<void> {
  expect(await tester.fix(rule, text, { filename, tables: o.tables, fixTypes: o.types })).toBe(expected);
}

const M = 'rails/db/migrate';
const WRAPPED = 'Rails runs each migration in a transaction (unless the class calls disable_ddl_transaction!)';

/** A fix's result is Ruby tree-sitter parses without an error. */
/** What the Rails adapter reads a migration as: the SQL of each item, in order. */
function sentSql(path: string, text: string): string[] {
  return itemsOf(path, text).map((i) => (i.kind === 'operation' ? i.sql : i.text));
}

function itemsOf(path: string, text: string) {
  return adapterFor('rails').extract({ path, text, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} }).items;
}

function parsesAsRuby(text: string): void {
  expect(firstError(parseRuby(text))).toBeNull();
}

describe('Rails (ActiveRecord)', () => {
  it('detects db/migrate/*.rb migrations; schema dumps and other Ruby files are not migrations', async () => {
    await loadParsers();
    const fs = diskFileSystem();
    expect(detectFramework(fx(`${M}/20240315120000_add_index_to_orders_status.rb`), read(`${M}/20240315120000_add_index_to_orders_status.rb`), fs)).toBe(
      'rails',
    );
    expect(unrecognised(fx('rails/db/structure.sql'), read('rails/db/structure.sql'), fs)).toMatch(/^structure\.sql is Rails' schema dump/);
    expect(unrecognised(fx('rails/config/boot.rb'), 'require "bootsnap/setup"\n', fs)).toMatch(/a Ruby file that is not a Rails migration/);
    // A structure.sql with no db/migrate beside it is somebody's SQL file.
    expect(unrecognised('/srv/tools/db/structure.sql', 'CREATE TABLE t (a int);', fs)).toBeNull();
  });

  it('names objects as Rails does (index_<table>_on_<cols>, fk_rails_<sha256>)', () => {
    expect(indexName('orders', ['customer_id', 'created_at'])).toBe('index_orders_on_customer_id_and_created_at');
    // From a real Rails app's db/structure.sql: note_subscriptions.note_id → fk_rails_2c1913f293.
    expect(foreignKeyName('note_subscriptions', 'note_id')).toBe('fk_rails_2c1913f293');
  });

  it('each migration in a transaction; disable_ddl_transaction! opts out; execute strings are one query each', () => {
    const wrapped = extractFixture(`${M}/20240401093000_make_orders_status_required.rb`).unit;
    expect(wrapped.items.map((i) => [i.kind, i.exec])).toEqual([
      ['sql', { wrapped: true, reason: WRAPPED, oneQuery: true }],
      ['operation', { wrapped: true, reason: WRAPPED, oneQuery: false }],
    ]);
    expect((wrapped.items[0] as SqlChunk).text).toBe("UPDATE orders SET status = 'pending' WHERE status IS NULL;\n");
    expect((wrapped.items[1] as OperationItem).sql).toBe('ALTER TABLE orders ALTER COLUMN status SET NOT NULL');
    const optedOut = extractFixture(`${M}/20240316100000_add_index_to_orders_created_at.rb`).unit;
    expect(optedOut.items).toHaveLength(1);
    expect(optedOut.items[0]!.exec).toEqual({ wrapped: false, reason: 'disable_ddl_transaction! runs this migration outside a transaction', oneQuery: false });
    expect((optedOut.items[0] as OperationItem).sql).toBe('CREATE INDEX CONCURRENTLY index_orders_on_created_at ON orders (created_at)');
  });

  it('the DSL as the SQL ActiveRecord sends', () => {
    const sql = (rel: string) => extractFixture(`${M}/${rel}`).unit.items.map((i) => (i.kind === 'operation' ? i.sql : i.text));
    expect(sql('20240301090500_create_orders.rb')).toEqual([
      'CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, CONSTRAINT fk_rails_3dad120da9 FOREIGN KEY (customer_id) REFERENCES customers (id), total numeric(10,2), status character varying, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL)',
      'CREATE INDEX index_orders_on_customer_id ON orders (customer_id)',
    ]);
    expect(sql('20240322090000_add_billing_customer_to_orders.rb')).toEqual([
      'ALTER TABLE orders ADD COLUMN billing_customer_id bigint',
      'ALTER TABLE orders ADD CONSTRAINT fk_rails_e47d0a8e01 FOREIGN KEY (billing_customer_id) REFERENCES customers (id) NOT VALID',
    ]);
    expect(sql('20240322090100_validate_orders_billing_customer_foreign_key.rb')).toEqual(['ALTER TABLE orders VALIDATE CONSTRAINT fk_rails_e47d0a8e01']);
    expect(sql('20240325100000_add_total_check_to_orders.rb')).toEqual([
      'ALTER TABLE orders ADD CONSTRAINT orders_total_non_negative CHECK (total >= 0) NOT VALID',
    ]);
    expect(sql('20240405080000_add_currency_to_orders.rb')).toEqual(["ALTER TABLE orders ADD COLUMN currency character varying(3) DEFAULT 'EUR' NOT NULL"]);
    expect(sql('20240410120000_widen_orders_total.rb')).toEqual(['ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)']);
    expect(sql('20240501120000_add_shipments_order_reference.rb')).toEqual([
      'ALTER TABLE shipments ADD COLUMN return_order_id bigint',
      'ALTER TABLE shipments ADD CONSTRAINT fk_rails_4b56b184af FOREIGN KEY (return_order_id) REFERENCES orders (id)',
    ]);
    expect(sql('20240505100000_rename_customer_name.rb')).toEqual([
      'ALTER TABLE customers RENAME COLUMN name TO full_name',
      'DROP INDEX index_orders_on_status',
    ]);
  });

  it('Migration[4.2] and older keep 4.2 defaults: timestamps without null: allow NULL (no adding-required-field)', async () => {
    // publishing-api's db/migrate/20160101090938_add_timestamps_to_link_set.rb: ActiveRecord's compatibility layer
    // (FourTwoShared) adds null: true to add_timestamps and t.timestamps for a [4.2] class; [5.0] and later send NOT NULL.
    const migration = (version: string, body: string[]) =>
      [
        `class AddTimestampsToLinkSet < ActiveRecord::Migration${version}`,
        '  def up',
        ...body,
        '  end',
        '',
        '  def down',
        '    remove_timestamps :link_sets',
        '  end',
        'end',
        '',
      ].join('\n');
    const sql = async (text: string) =>
      (await lintText(text, { filename: 'db/migrate/20160101090938_add_timestamps_to_link_set.rb' })).findings
        .filter((f) => f.ruleId === 'adding-required-field')
        .map((f) => [f.loc.line, f.message.split(' as NOT NULL')[0]]);
    expect(await sql(migration('[4.2]', ['    add_timestamps :link_sets']))).toEqual([]);
    expect(await sql(migration('', ['    add_timestamps :link_sets']))).toEqual([]);
    expect(await sql(migration('[4.2]', ['    change_table :link_sets do |t|', '      t.timestamps', '    end']))).toEqual([]);
    expect(await sql(migration('[4.2]', ['    add_timestamps :link_sets, null: false']))).toEqual([
      [3, 'Adding column created_at to link_sets'],
      [3, 'Adding column updated_at to link_sets'],
    ]);
    expect(await sql(migration('[5.0]', ['    add_timestamps :link_sets']))).toEqual([
      [3, 'Adding column created_at to link_sets'],
      [3, 'Adding column updated_at to link_sets'],
    ]);
    expect(await sql(migration('[7.1]', ['    change_table :link_sets do |t|', '      t.timestamps', '    end']))).toHaveLength(2);
    // In create_table the columns allow NULL too (the table is new, so no rule cares; the schema model does).
    const createSql = (version: string) =>
      adapterFor('rails')
        .extract(
          {
            path: 'db/migrate/20150922125847_add_derived_representations.rb',
            text: migration(version, ['    create_table :link_sets do |t|', '      t.timestamps', '    end']),
            bom: false,
          },
          { settings: DEFAULT_SETTINGS, warn: () => {} },
        )
        .items.map((i) => (i.kind === 'operation' ? i.sql : i.text));
    // (and its id is serial: Rails 5.0 and older make integer keys, see rails-compat.test.ts)
    expect(createSql('[4.2]')).toEqual(['CREATE TABLE link_sets (id serial PRIMARY KEY, created_at timestamp(6), updated_at timestamp(6))']);
    expect(createSql('[6.0]')).toEqual([
      'CREATE TABLE link_sets (id bigserial PRIMARY KEY, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL)',
    ]);
  });

  it('strong_migrations: a drop inside safety_assured (the column ignored by the model a release earlier) is an info note; outside it, a warning', async () => {
    const text = [
      '# frozen_string_literal: true',
      '',
      'class RemoveLegacyFieldsFromOrders < ActiveRecord::Migration[7.1]',
      '  def change',
      '    safety_assured do',
      '      change_table :orders, bulk: true do |t|',
      '        t.remove :legacy_note, type: :string',
      '        t.remove :legacy_flags, type: :integer',
      '      end',
      '    end',
      '    safety_assured { drop_table :order_exports }',
      '    remove_column :orders, :gift_wrap, :boolean',
      '  end',
      'end',
      '',
    ].join('\n');
    const r = await lintText(text, { filename: 'db/migrate/20250310120000_remove_legacy_fields_from_orders.rb' });
    const drops = r.findings.filter((f) => f.ruleId === 'ban-drop-column' || f.ruleId === 'ban-drop-table');
    // bulk: true: the two t.remove are one ALTER TABLE (ActiveRecord's bulk_change_table), so one finding.
    expect(drops.map((f) => [f.loc.line, f.ruleId, f.severity])).toEqual([
      [7, 'ban-drop-column', 'info'],
      [11, 'ban-drop-table', 'info'],
      [12, 'ban-drop-column', 'warn'],
    ]);
    expect(drops[0]!.message).toBe(
      'Dropping columns legacy_note and legacy_flags of orders (a brief ACCESS EXCLUSIVE lock) deletes their data for good; the code that stopped using them is live first, as the `safety_assured` block asserts (strong_migrations).',
    );
  });

  it('change_table … t.remove :a, :b is one ALTER TABLE (remove_columns), reported once', async () => {
    const text = [
      'class DropExtraDateFields < ActiveRecord::Migration[5.2]',
      '  def change',
      '    change_table :editions, bulk: true do |t|',
      '      t.remove :publisher_first_published_at,',
      '               :publisher_last_edited_at,',
      '               :temporary_first_published_at',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n');
    const r = await lintText(text, { filename: 'db/migrate/20190716195325_drop_extra_date_fields.rb' });
    const drops = r.findings.filter((f) => f.ruleId === 'ban-drop-column');
    expect(drops.map((f) => [f.loc.line, f.message.split(' (a brief')[0]])).toEqual([
      [4, 'Dropping columns publisher_first_published_at, publisher_last_edited_at and temporary_first_published_at of editions'],
    ]);
    expect(r.findings.find((f) => f.ruleId === 'require-lock-timeout')?.message).toContain('before 1 statement(s)');
  });

  it('change_table bulk: true is what bulk_change_table sends on PostgreSQL: one ALTER TABLE for the combinable calls', async () => {
    // maintenance_tasks' migration, as Rails apps copy it into db/migrate.
    const migration = (bulk: string) =>
      [
        '# frozen_string_literal: true',
        '',
        '# This migration comes from maintenance_tasks (originally 20220706101937)',
        'class ChangeRunsTickColumnsToBigints < ActiveRecord::Migration[6.0]',
        '  def up',
        `    change_table(:maintenance_tasks_runs${bulk}) do |t|`,
        '      t.change(:tick_count, :bigint)',
        '      t.change(:tick_total, :bigint)',
        '    end',
        '  end',
        'end',
        '',
      ].join('\n');
    const filename = 'db/migrate/20230730185650_change_runs_tick_columns_to_bigints.maintenance_tasks.rb';
    const rules = (r: { findings: Array<{ ruleId: string; loc: { line: number } }> }) =>
      r.findings.filter((f) => f.ruleId !== 'require-lock-timeout').map((f) => [f.loc.line, f.ruleId]);
    // One statement: one rewrite, and no second ACCESS EXCLUSIVE statement for the lock to be held through.
    expect(rules(await lintText(migration(', bulk: true'), { filename }))).toEqual([[7, 'changing-column-type']]);
    const text = migration(', bulk: true');
    expect(sentSql(filename, text)).toEqual(['ALTER TABLE maintenance_tasks_runs ALTER COLUMN tick_count TYPE bigint, ALTER COLUMN tick_total TYPE bigint']);
    // The statement is located from the first call it holds to the last.
    const [item] = itemsOf(filename, text);
    expect(item?.kind).toBe('operation');
    const { span } = item as OperationItem;
    expect(text.slice(span.start, span.end)).toBe('t.change(:tick_count, :bigint)\n      t.change(:tick_total, :bigint)');
    // Without bulk: each call is its own ALTER TABLE.
    expect(rules(await lintText(migration(''), { filename }))).toEqual([
      [7, 'changing-column-type'],
      [7, 'hold-access-exclusive-lock'],
      [8, 'changing-column-type'],
    ]);
  });

  it('change_table bulk: true: other calls send the ALTER gathered so far, then run; a change_null default runs after it', () => {
    const text = [
      'class AddMfaToUsers < ActiveRecord::Migration[7.1]',
      '  def change',
      '    change_table :users, bulk: true do |t|',
      '      t.string  :mfa_seed',
      '      t.integer :mfa_level, default: 0',
      '      t.change_null :email, false, ""',
      '      t.string :mfa_recovery_codes, array: true, default: [], index: true',
      '      t.datetime :last_otp_at',
      '      t.rename :otp_secret, :mfa_secret',
      '      t.remove :legacy_pin, :legacy_pin_set_at',
      '      t.remove_timestamps',
      '      add_index :users, :handle, unique: true',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n');
    expect(sentSql('db/migrate/20180525160703_add_mfa_to_users.rb', text)).toEqual([
      // A call on the connection, not on t, runs while the block is recorded: first.
      'CREATE UNIQUE INDEX index_users_on_handle ON users (handle)',
      // index: true is an add_index after the column: the three columns before it go in one ALTER TABLE …
      "ALTER TABLE users ADD COLUMN mfa_seed character varying, ADD COLUMN mfa_level integer DEFAULT 0, ADD COLUMN mfa_recovery_codes character varying[] DEFAULT '{}'",
      // … then change_column_null with a default (its UPDATE), deferred past that ALTER …
      "UPDATE users SET email = '' WHERE email IS NULL",
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
      // … then the index.
      'CREATE INDEX index_users_on_mfa_recovery_codes ON users (mfa_recovery_codes)',
      // rename_column is never combined (PostgreSQL has no RENAME among other ALTER TABLE actions).
      'ALTER TABLE users ADD COLUMN last_otp_at timestamp(6)',
      'ALTER TABLE users RENAME COLUMN otp_secret TO mfa_secret',
      'ALTER TABLE users DROP COLUMN legacy_pin, DROP COLUMN legacy_pin_set_at, DROP COLUMN updated_at, DROP COLUMN created_at',
    ]);
  });

  it('change_table without bulk: t.<type> with index: adds the index; t.remove_references and t.remove_timestamps drop, never add; change_null to NULL fills nothing', () => {
    const text = [
      'class ArchiveProjects < ActiveRecord::Migration[7.0]',
      '  def change',
      '    change_table :projects do |t|',
      '      t.boolean :archived, default: false, null: false, index: true',
      '      t.remove_references :legacy_owner, index: true',
      '      t.remove_timestamps',
      // Allowing NULL again fills nothing: ActiveRecord's UPDATE runs only for NOT NULL with a default.
      '      t.change_null :owner_note, true, ""',
      '      t.comment "Projects, archived ones included"',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n');
    expect(sentSql('db/migrate/20221011093000_archive_projects.rb', text)).toEqual([
      'ALTER TABLE projects ADD COLUMN archived boolean DEFAULT false NOT NULL',
      'CREATE INDEX index_projects_on_archived ON projects (archived)',
      'ALTER TABLE projects DROP COLUMN legacy_owner_id',
      'ALTER TABLE projects DROP COLUMN updated_at, DROP COLUMN created_at',
      'ALTER TABLE projects ALTER COLUMN owner_note DROP NOT NULL',
    ]);
  });

  it('a <<~ heredoc maps every statement to its exact line and column', async () => {
    const r = await lintFixture(`${M}/20240422090000_add_search_indexes_to_shipments.rb`);
    expect(only(r, 'require-concurrent-index-creation').map((f) => [f.loc.line, f.loc.column, f.loc.endColumn])).toEqual([
      [4, 7, 69],
      [5, 7, 85],
    ]);
    const text = read(`${M}/20240422090000_add_search_indexes_to_shipments.rb`);
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    const lineStart = text.split('\n').slice(0, 3).join('\n').length + 1;
    expect(text.slice(lineStart + 6, lineStart + 6 + 12)).toBe('CREATE INDEX');
    expect(f.span.start).toBe(lineStart + 6);
  });

  it('lints the fixture project: findings at the calls, schema dumps never linted', async () => {
    expect(lined(await lintFixture(`${M}/20240316100000_add_index_to_orders_created_at.rb`))).toEqual([]);
    expect(lined(await lintFixture(`${M}/20240420100000_add_lower_email_index_to_customers.rb`))).toEqual([]);
    expect(lined(await lintFixture(`${M}/20240322090100_validate_orders_billing_customer_foreign_key.rb`))).toEqual([]);
    expect(lined(await lintFixture(`${M}/20240401093000_make_orders_status_required.rb`))).toEqual([
      [4, 'ban-unbatched-backfill'],
      [6, 'adding-not-nullable-field'],
      [6, 'require-lock-timeout'],
    ]);
    const dump = await lintText(read('rails/db/structure.sql'), { filename: fx('rails/db/structure.sql') });
    expect(dump.findings.map((f) => f.ruleId)).toEqual(['unsupported-framework-construct']);
  });

  it('blocking add_index: algorithm: :concurrently and disable_ddl_transaction!, re-parsed as Ruby and re-linted', async () => {
    const rel = `${M}/20240315120000_add_index_to_orders_status.rb`;
    const text = read(rel);
    const expected = text
      .replace('  def change', '  disable_ddl_transaction!\n\n  def change')
      .replace('add_index :orders, :status', 'add_index :orders, :status, algorithm: :concurrently');
    await proveFix(text, fx(rel), 'require-concurrent-index-creation', expected, { tables: { orders: { rows: 5_000_000, partitioned: false } } });
    parsesAsRuby(expected);
    // With the table known unpartitioned, it is the safe fix --fix applies.
    const r = await lintText(text, { filename: fx(rel), tables: { orders: { rows: 5_000_000, partitioned: false } } });
    expect(only(r, 'require-concurrent-index-creation')[0]!.fix?.description).toBe(
      'Add CONCURRENTLY and add disable_ddl_transaction! to the migration (it holds nothing else that needs a transaction)',
    );
  });

  it('algorithm: :concurrently inside the migration transaction: the fix adds disable_ddl_transaction!', async () => {
    const rel = `${M}/20240318090000_add_index_to_customers_created_at.rb`;
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([[3, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.message).toContain(WRAPPED);
    const text = read(rel);
    const expected = text.replace('  def change', '  disable_ddl_transaction!\n\n  def change');
    await proveFix(text, fx(rel), 'ban-concurrent-index-creation-in-transaction', expected);
    parsesAsRuby(expected);
  });

  it('add_foreign_key: validate: false here, validate_foreign_key in a new migration (a suggestion)', async () => {
    const rel = `${M}/20240321110000_add_orders_foreign_key_to_shipments.rb`;
    const text = read(rel);
    const r = await lintFixture(rel);
    const f = only(r, 'adding-foreign-key-constraint')[0]!;
    expect(f.fix).toBeUndefined();
    const s = f.suggestions![0]!;
    expect(s.description).toBe('Add validate: false; validate the constraint in a new migration (20240321110001_validate_fk_rails_9892d6a938.rb)');
    expect(s.files).toEqual([
      {
        path: path.join(path.dirname(fx(rel)), '20240321110001_validate_fk_rails_9892d6a938.rb'),
        text: 'class ValidateFkRails9892d6a938 < ActiveRecord::Migration[7.1]\n  def change\n    validate_foreign_key :shipments, name: "fk_rails_9892d6a938"\n  end\nend\n',
      },
    ]);
    const expected = text.replace('add_foreign_key :shipments, :orders', 'add_foreign_key :shipments, :orders, validate: false');
    await proveFix(text, fx(rel), 'adding-foreign-key-constraint', expected, { types: ['suggestion'] });
    parsesAsRuby(expected);
    parsesAsRuby(s.files![0]!.text);
    // The new migration is itself a clean Rails migration.
    const validate = await lintText(s.files![0]!.text, { filename: s.files![0]!.path });
    expect(validate.framework).toBe('rails');
    expect(validate.findings).toEqual([]);
  });

  it('require-lock-timeout: execute "SET lock_timeout" on the line before the call', async () => {
    const rel = `${M}/20240405080000_add_currency_to_orders.rb`;
    const text = read(rel);
    const expected = text.replace('    add_column', `    execute "SET lock_timeout = '2s'"\n    add_column`);
    await proveFix(text, fx(rel), 'require-lock-timeout', expected);
    parsesAsRuby(expected);
  });

  it('two CREATE INDEX in one execute string: one query, so the help says to split it', async () => {
    const r = await lintFixture(`${M}/20240422090000_add_search_indexes_to_shipments.rb`);
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('execute sends its string as one query');
  });

  it('down is linted only with includeDown, as a separate run', () => {
    const rel = `${M}/20240420100000_add_lower_email_index_to_customers.rb`;
    expect(extractFixture(rel).unit.items).toHaveLength(1);
    const both = extractFixture(rel, { includeDown: true }).unit.items;
    expect(both).toHaveLength(2);
    expect(both[1]!.exec.separateRun).toBe(true);
    expect((both[1] as SqlChunk).text).toBe('DROP INDEX CONCURRENTLY index_customers_on_lower_email');
  });

  it('SQL in a variable is reported once, not guessed; #{…} becomes a placeholder; a Ruby syntax error is a parse-error', async () => {
    const dynamic = await lintText('class A < ActiveRecord::Migration[7.1]\n  def up\n    sql = build_sql\n    execute sql\n  end\nend\n', {
      filename: '/app/db/migrate/20240101000000_a.rb',
    });
    expect(dynamic.findings.map((f) => [f.ruleId, f.loc.line])).toEqual([['unsupported-framework-construct', 4]]);
    const interp = await lintText(
      'class A < ActiveRecord::Migration[7.1]\n  def up\n    execute "UPDATE accounts SET plan = #{PLAN} WHERE plan IS NULL"\n  end\nend\n',
      { filename: '/app/db/migrate/20240101000000_a.rb' },
    );
    expect(interp.findings.map((f) => f.ruleId)).not.toContain('parse-error');
    const broken = await lintText('class A < ActiveRecord::Migration[7.1]\n  def up\n    add_index :t, :a,\n  end\n', {
      filename: '/app/db/migrate/20240101000000_a.rb',
    });
    expect(broken.findings.map((f) => f.ruleId)).toContain('parse-error');
  });

  it('#{…} where only a name fits (a table in a loop) is read as a name, one per expression; what still fails to parse stays a parse-error', async () => {
    // As in a real app's migration (publishing-api, 2015): a column's type changed on two tables in a loop.
    const text = [
      'class ChangeDescriptionColumnTypes < ActiveRecord::Migration[4.2]',
      '  def change',
      '    %i[draft_content_items live_content_items].each do |table|',
      '      add_column table, :new_description, :json',
      '',
      '      ActiveRecord::Base.connection.execute(%{',
      "        update #{table} set new_description = concat('{\"value\":', to_json(description), '}')::json",
      '        where description is not null',
      '      })',
      '      execute "CREATE TABLE #{table}_history (id bigint, description json)"',
      '      execute "CREATE INDEX index_#{table}_history_on_id ON #{table}_history (id)"',
      '      execute "DROP INDEX #{index_name}"',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n');
    const r = await lintText(text, { filename: '/app/db/migrate/20151119100750_change_description_column_types.rb' });
    expect(r.findings.map((f) => f.ruleId)).not.toContain('parse-error');
    expect(r.coverage?.statements).toBe(4);
    // The same expression is one table (the history table is new, so its index is no finding); another is its own name.
    expect(lined(r).filter(([, rule]) => rule !== 'require-lock-timeout' && rule !== 'schema-history')).toEqual([[12, 'require-concurrent-index-deletion']]);
    // Messages name the index as the migration wrote it, never the name the parse stage gave the interpolation.
    expect(r.findings.find((f) => f.ruleId === 'require-concurrent-index-deletion')!.message).toMatch(/^DROP INDEX "#\{index_name\}" /);

    const mysql = await lintText(
      'class RemoveSegments < ActiveRecord::Migration[4.2]\n  def up\n    execute "LOAD DATA INFILE \'#{relations}\' INTO TABLE relations #{csvopts} (id, user_id, timestamp)"\n  end\nend\n',
      { filename: '/app/db/migrate/008_remove_segments.rb' },
    );
    expect(mysql.findings.map((f) => [f.ruleId, f.loc.line])).toEqual([['parse-error', 3]]);
  });

  it("%i[…] and %w[…] column lists, hash-rocket options, and Rails' generated index names", async () => {
    const r = await lintText(
      'class A < ActiveRecord::Migration[5.0]\n  disable_ddl_transaction!\n\n  def change\n    add_index :content_items, %i[content_id state], :algorithm => :concurrently\n    remove_index :content_items, %w[state]\n  end\nend\n',
      {
        filename: '/app/db/migrate/20161219102828_add_indexes_to_content_item.rb',
      },
    );
    expect(r.framework).toBe('rails');
    expect(r.statements?.map((s) => s.head)).toEqual(['CREATE INDEX', 'DROP INDEX']);
    expect(lined(r)).toEqual([
      [6, 'require-concurrent-index-deletion'],
      [6, 'require-lock-timeout'],
    ]);
  });

  it('--fix writes the new validate migration beside the one it fixes', async () => {
    const rel = `${M}/20240321110000_add_orders_foreign_key_to_shipments.rb`;
    const out = await fixText(read(rel), { filename: fx(rel), rules: ['adding-foreign-key-constraint'], types: ['suggestion'] });
    expect(out.files?.map((f) => path.basename(f.path))).toEqual(['20240321110001_validate_fk_rails_9892d6a938.rb']);
  });
});

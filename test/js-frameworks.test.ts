import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigResolver } from '../src/config/load.js';
import { lintOptionsFromConfig } from '../src/config/options.js';
import { loadParser } from '../src/sql/parse.js';
import { DEFAULT_SETTINGS, lintSource } from '../src/engine/lint.js';
import { adapterFor } from '../src/sources/index.js';
import { ROOT } from './helpers/fixtures.js';

// The CLI's path (config found upward from each file, oxc-parser) on each tool's fixture project: which rule, on which line.
const EXPECTED: Record<string, { framework: string; findings: string[] }> = {
  'knex/migrations/20240312093015_add_orders_customer_index.js': {
    framework: 'knex',
    findings: ['require-concurrent-index-creation@7', 'require-lock-timeout@7', 'adding-foreign-key-constraint@8', 'require-concurrent-index-creation@11'],
  },
  'knex/migrations/20240402110512_create_invoices.ts': { framework: 'knex', findings: [] },
  'knex/migrations/20240415081244_add_payments_created_at_index.ts': { framework: 'knex', findings: ['concurrent-index-invalid-leftover@6'] },
  'knex/migrations/20240520143000_orders_fulfilment.js': {
    framework: 'knex',
    findings: [
      'prefer-bigint-over-int@6',
      'require-index-on-foreign-key@8',
      'require-lock-timeout@8',
      'adding-required-field@15',
      'hold-access-exclusive-lock@15',
      'ban-drop-not-null@17',
      'changing-column-type@17',
      'ban-drop-not-null@18',
      'ban-drop-column@19',
      'renaming-column@20',
      'renaming-table@22',
      'ban-drop-table@23',
    ],
  },
  'typeorm/src/migrations/1712345678901-AddUserEmailIndex.ts': {
    framework: 'typeorm',
    findings: ['hold-access-exclusive-lock@7', 'require-lock-timeout@7', 'require-concurrent-index-creation@8'],
  },
  'typeorm/src/migrations/1712400000000-AddPostAuthorForeignKey.ts': {
    framework: 'typeorm',
    findings: ['adding-foreign-key-constraint@5', 'require-lock-timeout@5', 'ban-concurrent-index-creation-in-transaction@12'],
  },
  'node-pg-migrate/migrations/1712345678901_add-orders-status-index.js': {
    framework: 'node-pg-migrate',
    findings: ['require-concurrent-index-creation@6', 'require-lock-timeout@6', 'adding-foreign-key-constraint@7', 'ban-unbatched-backfill@10'],
  },
  'node-pg-migrate/migrations/1712500000000_events-created-at-index.js': { framework: 'node-pg-migrate', findings: [] },
  'sequelize/migrations/20240312093015-add-users-email-index.js': {
    framework: 'sequelize',
    findings: ['require-concurrent-index-creation@6', 'require-lock-timeout@6', 'require-concurrent-index-creation@10'],
  },
  'sequelize/migrations/20240402110512-add-orders-user-fk.js': {
    framework: 'sequelize',
    findings: ['adding-foreign-key-constraint@6', 'require-lock-timeout@6'],
  },
  'kysely/src/migrations/2024_03_12_add_pet_owner_index.ts': {
    framework: 'kysely',
    findings: ['require-concurrent-index-creation@4', 'require-lock-timeout@4', 'adding-foreign-key-constraint@6'],
  },
  'db-migrate/migrations/20240312093015-add-orders-index.js': {
    framework: 'db-migrate',
    findings: ['require-concurrent-index-creation@18', 'require-lock-timeout@18', 'ban-concurrent-index-creation-in-transaction@18'],
  },
  // db-migrate's DSL, callback style: a new table (its foreign key checks no row) with serial / int keys; adding the
  // key still waits for SHARE ROW EXCLUSIVE on the existing orders.
  'db-migrate/migrations/20240405142210-create-invoices.js': {
    framework: 'db-migrate',
    findings: ['prefer-bigint-over-int@14', 'require-index-on-foreign-key@22', 'require-lock-timeout@22'],
  },
  // …and promise style on an existing table.
  'db-migrate/migrations/20240502081530-orders-status.js': {
    framework: 'db-migrate',
    findings: [
      'hold-access-exclusive-lock@14',
      'require-lock-timeout@14',
      'require-concurrent-index-creation@15',
      'adding-not-nullable-field@16',
      'changing-column-type@16',
      'ban-drop-column@17',
    ],
  },
};

describe('JS/TS framework fixtures through the CLI path', () => {
  it.each(Object.entries(EXPECTED))('%s', async (rel, expected) => {
    await loadParser();
    const file = path.join(ROOT, 'fixtures/frameworks', rel);
    const loaded = await new ConfigResolver().forFile(file);
    const result = lintSource({ path: file, text: readFileSync(file, 'utf8'), bom: false }, lintOptionsFromConfig(loaded.config, loaded.dir, file));
    expect(result.framework).toBe(expected.framework);
    expect(result.findings.map((f) => `${f.ruleId}@${f.loc.line}`)).toEqual(expected.findings);
  });

  it('config table sizes reach the rules: the Knex orders table is large, so the blocking build is an error with its size', async () => {
    await loadParser();
    const file = path.join(ROOT, 'fixtures/frameworks/knex/migrations/20240312093015_add_orders_customer_index.js');
    const loaded = await new ConfigResolver().forFile(file);
    const result = lintSource({ path: file, text: readFileSync(file, 'utf8'), bom: false }, lintOptionsFromConfig(loaded.config, loaded.dir, file));
    const f = result.findings.find((x) => x.ruleId === 'require-concurrent-index-creation')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('orders (18.4M rows');
  });

  it("Knex's schema builder becomes the SQL knex 3.1's PostgreSQL compiler sends, each statement at its call", async () => {
    await loadParser();
    const file = path.join(ROOT, 'fixtures/frameworks/knex/migrations/20240520143000_orders_fulfilment.js');
    const unit = adapterFor('knex').extract({ path: file, text: readFileSync(file, 'utf8'), bom: false }, { settings: DEFAULT_SETTINGS, warn() {} });
    expect(unit.notes).toEqual([]);
    const text = readFileSync(file, 'utf8');
    const line = (offset: number) => text.slice(0, offset).split('\n').length;
    expect(unit.items.map((i) => (i.kind === 'operation' ? `${line(i.span.start)} ${i.call}: ${i.sql}` : i.text))).toEqual([
      "6 knex.schema.createTable: CREATE TABLE shipments (id serial PRIMARY KEY, order_id integer NOT NULL, carrier varchar(64) NOT NULL, state text CHECK (state IN ('pending', 'shipped', 'delivered')) NOT NULL DEFAULT 'pending', tracking jsonb DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)",
      '8 table.integer: ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_foreign FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE',
      '15 table.string: ALTER TABLE orders ADD COLUMN fulfilment_state varchar(255) NOT NULL',
      "16 table.boolean: ALTER TABLE orders ADD COLUMN gift boolean NOT NULL DEFAULT '0'",
      // alter(): knex drops the default and NOT NULL, changes the type, then sets what the column builder says.
      '17 table.bigInteger: ALTER TABLE orders ALTER COLUMN total_cents DROP DEFAULT',
      '17 table.bigInteger: ALTER TABLE orders ALTER COLUMN total_cents DROP NOT NULL',
      '17 table.bigInteger: ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint USING (total_cents::bigint)',
      '18 table.string: ALTER TABLE orders ALTER COLUMN note DROP DEFAULT',
      '18 table.string: ALTER TABLE orders ALTER COLUMN note DROP NOT NULL',
      '19 table.dropColumn: ALTER TABLE orders DROP COLUMN legacy_state',
      '20 table.renameColumn: ALTER TABLE orders RENAME customer_ref TO customer_reference',
      '22 knex.schema.renameTable: ALTER TABLE order_notes RENAME TO order_comments',
      '23 knex.schema.dropTableIfExists: DROP TABLE IF EXISTS order_exports',
    ]);
  });

  it('Knex: a column the migration cannot read is a note, never a guess; other-database branches are skipped', async () => {
    await loadParser();
    const text = [
      'exports.up = (knex) =>',
      "  knex.schema.alterTable('users', (table) => {",
      "    table.enu('role', [ROLES.USER, ROLES.ADMIN]).notNullable();",
      "    table.geometry('area');",
      "    if (process.env.LEGACY) table.integer('legacy_id');",
      "    if (knex.client.config.client === 'mysql') { table.specificType('bio', 'LONGTEXT') } else { table.text('bio') }",
      "    table.string('email').notNullable().defaultTo(defaults.email);",
      '  });',
      '',
    ].join('\n');
    const unit = adapterFor('knex').extract({ path: '/p/migrations/20240101000000_x.js', text, bom: false }, { settings: DEFAULT_SETTINGS, warn() {} });
    expect(unit.items.map((i) => (i.kind === 'operation' ? i.sql : i.text))).toEqual(['ALTER TABLE users ADD COLUMN bio text']);
    expect(unit.notes.map((n) => n.message)).toEqual([
      'table.enu: the column name or type is not a literal migralint can read; this call is not linted.',
      'table.geometry: a column type migralint does not read; this call is not linted.',
      'table.integer: it runs only under a condition migralint does not evaluate; this call is not linted.',
      "table.string('email'): the default of email is not a literal migralint can read; this column is not linted.",
    ]);
  });

  it("db-migrate's DSL becomes the SQL db-migrate-pg sends, one statement per step", async () => {
    await loadParser();
    const sqlOf = (rel: string) => {
      const file = path.join(ROOT, 'fixtures/frameworks/db-migrate/migrations', rel);
      const unit = adapterFor('db-migrate').extract({ path: file, text: readFileSync(file, 'utf8'), bom: false }, { settings: DEFAULT_SETTINGS, warn() {} });
      expect(unit.notes).toEqual([]);
      return unit.items.map((i) => (i.kind === 'operation' ? `${i.call}: ${i.sql}` : i.text));
    };
    expect(sqlOf('20240405142210-create-invoices.js')).toEqual([
      'db.createTable: CREATE TABLE invoices (id SERIAL PRIMARY KEY, order_id INTEGER NOT NULL, number VARCHAR(32) NOT NULL UNIQUE, issued_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, total DECIMAL)',
      'db.addForeignKey: ALTER TABLE invoices ADD CONSTRAINT invoices_order_id_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE RESTRICT',
    ]);
    expect(sqlOf('20240502081530-orders-status.js')).toEqual([
      "db.addColumn: ALTER TABLE orders ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'pending'",
      'db.addIndex: CREATE INDEX orders_status_idx ON orders (status)',
      'db.changeColumn: ALTER TABLE orders ALTER COLUMN total SET NOT NULL',
      'db.changeColumn: ALTER TABLE orders ALTER COLUMN total DROP DEFAULT',
      'db.changeColumn: ALTER TABLE orders ALTER COLUMN total TYPE BIGINT USING total::BIGINT',
      'db.removeColumn: ALTER TABLE orders DROP COLUMN legacy_state',
    ]);
  });

  it('db-migrate: bound calls (async.series) are read; a table name built at run time is one note', async () => {
    await loadParser();
    const text = [
      'exports.up = function (db, callback) {',
      '  async.series([',
      "    db.addColumn.bind(db, 'users', 'group', { type: 'string', length: 40 }),",
      "    db.addIndex.bind(db, 'users', 'users_group_idx', ['group'], true),",
      "    db.removeIndex.bind(db, 'users', 'users_legacy_idx'),",
      "    db.addIndex.bind(db, prefix + '_users', 'users_group_idx', ['group']),",
      '  ], callback);',
      '};',
    ].join('\n');
    const unit = adapterFor('db-migrate').extract(
      { path: 'migrations/20240601000000-users-group.js', text, bom: false },
      { settings: DEFAULT_SETTINGS, warn() {} },
    );
    expect(unit.items.map((i) => (i.kind === 'operation' ? i.sql : i.text))).toEqual([
      'ALTER TABLE users ADD COLUMN "group" VARCHAR(40)',
      'CREATE UNIQUE INDEX users_group_idx ON users ("group")',
      'DROP INDEX users_legacy_idx',
    ]);
    expect(unit.notes.map((n) => [n.ruleId, n.message])).toEqual([
      ['unsupported-framework-construct', 'db.addIndex: the table is not a literal migralint can read; this call is not linted.'],
    ]);
  });
});

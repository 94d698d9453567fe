import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyDelta, emptyModel, indexKeysOn, setIndexInPlace, type SchemaModel } from '../../src/project/model.js';
import { Replay } from '../../src/project/replay.js';

beforeAll(async () => {
  await loadModule();
});

/** Replays each migration (SQL text) in order, as the pipeline does: one Replay per file, its delta applied. */
function replay(...files: string[]): { model: SchemaModel; unknown: string[][] } {
  let model = emptyModel();
  const unknown: string[][] = [];
  files.forEach((sql, i) => {
    const r = new Replay(model, `m${i + 1}.sql`);
    for (const s of parseSync(sql).stmts ?? []) {
      const [kind, node] = Object.entries(s.stmt as Record<string, unknown>)[0]!;
      r.apply(kind, node);
    }
    // The delta is a plain value: it survives a JSON round trip unchanged (so it can be cached).
    const delta = JSON.parse(JSON.stringify(r.delta()));
    expect(delta).toEqual(r.delta());
    model = applyDelta(model, delta);
    unknown.push(r.unknown);
  });
  return { model, unknown };
}

describe('the replayed catalog', () => {
  it('follows a table created, altered, indexed, renamed and dropped across migrations', () => {
    const { model, unknown } = replay(
      "CREATE TABLE accounts (id bigserial PRIMARY KEY, email varchar(120) NOT NULL UNIQUE, plan text DEFAULT 'free');",
      'ALTER TABLE accounts ADD COLUMN nickname varchar(20), ALTER COLUMN email TYPE varchar(255);\nCREATE INDEX CONCURRENTLY accounts_nickname_idx ON accounts (nickname) WHERE nickname IS NOT NULL;',
      'ALTER TABLE accounts RENAME COLUMN nickname TO handle;\nALTER TABLE accounts RENAME TO users;\nCREATE TABLE scratch (id int);',
      'DROP TABLE scratch;\nALTER TABLE users DROP COLUMN plan;',
    );
    expect(unknown.flat()).toEqual([]);
    expect(Object.keys(model.tables)).toEqual(['public.users']);
    const users = model.tables['public.users']!;
    expect(users.createdBy).toBe('m1.sql');
    expect(users.columns.map((c) => [c.name, c.type.name, c.type.mods, c.notNull, c.hasDefault])).toEqual([
      ['id', 'int8', [], true, true],
      ['email', 'varchar', [255], true, false],
      ['handle', 'varchar', [20], false, false],
    ]);
    expect(users.constraints.map((c) => [c.kind, c.name, c.columns])).toEqual([
      ['primary', 'accounts_pkey', ['id']],
      ['unique', 'accounts_email_key', ['email']],
    ]);
    const ix = model.indexes['public.accounts_nickname_idx']!;
    expect(ix).toMatchObject({ table: 'public.users', columns: ['handle'], partial: true, unique: false, validity: 'maybe-invalid' });
    expect(model.indexes['public.accounts_pkey']).toMatchObject({ table: 'public.users', unique: true, validity: 'valid' });
  });

  it("RENAME COLUMN follows the column into its indexes and into the foreign keys that reference it, its own table's too", () => {
    const { model, unknown } = replay(
      'CREATE TABLE customers (id bigint PRIMARY KEY, code text UNIQUE, parent_code text REFERENCES customers (code));\n' +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_code text REFERENCES customers (code));\n' +
        'CREATE INDEX customers_code_lower_idx ON customers (code, id);\nCREATE INDEX orders_customer_code_idx ON orders (customer_code);',
      // In one migration with a table created before the rename, whose foreign key must follow it too.
      'CREATE TABLE invoices (id bigint PRIMARY KEY, customer_code text REFERENCES customers (code));\nALTER TABLE customers RENAME COLUMN code TO ref;',
    );
    expect(unknown.flat()).toEqual([]);
    const references = (t: string) => model.tables[t]!.constraints.filter((c) => c.kind === 'foreign').map((c) => c.references);
    expect(references('public.customers')).toEqual([{ table: 'public.customers', columns: ['ref'] }]);
    expect(references('public.orders')).toEqual([{ table: 'public.customers', columns: ['ref'] }]);
    expect(references('public.invoices')).toEqual([{ table: 'public.customers', columns: ['ref'] }]);
    expect(model.indexes['public.customers_code_lower_idx']!.columns).toEqual(['ref', 'id']);
    expect(model.indexes['public.customers_code_key']!.columns).toEqual(['ref']);
    expect(model.indexes['public.orders_customer_code_idx']!.columns).toEqual(['customer_code']);
  });

  it('keeps both sides of a foreign key and its validation state, and follows renames of the referenced table', () => {
    const { model } = replay(
      'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);',
      'ALTER TABLE orders ADD CONSTRAINT orders_buyer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      'ALTER TABLE customers RENAME TO clients;',
    );
    const fks = model.tables['public.orders']!.constraints.filter((c) => c.kind === 'foreign');
    expect(fks).toEqual([
      { name: 'orders_customer_id_fkey', kind: 'foreign', columns: ['customer_id'], validated: true, references: { table: 'public.clients', columns: ['id'] } },
      { name: 'orders_buyer_fk', kind: 'foreign', columns: ['customer_id'], validated: false, references: { table: 'public.clients', columns: ['id'] } },
    ]);
    const validated = replay(
      'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint, customer_id bigint);',
      'ALTER TABLE orders ADD CONSTRAINT orders_buyer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_buyer_fk;',
    );
    expect(validated.model.tables['public.orders']!.constraints[0]!.validated).toBe(true);
  });

  it('knows partitioned tables, their partitions, and an ON ONLY index that becomes valid once every partition is attached', () => {
    const steps = [
      "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
      'CREATE INDEX events_at_idx ON ONLY events (at);',
      'CREATE INDEX CONCURRENTLY events_2024_at_idx ON events_2024 (at);\nALTER INDEX events_at_idx ATTACH PARTITION events_2024_at_idx;',
    ];
    const partial = replay(...steps).model;
    expect(partial.tables['public.events']!.partitioned).toBe(true);
    expect(partial.tables['public.events_2025']!.partitionOf).toBe('public.events');
    expect(partial.tables['public.events_2025']!.columns.map((c) => c.name)).toEqual(['id', 'at']);
    expect(partial.indexes['public.events_at_idx']).toMatchObject({ only: true, validity: 'invalid' });
    const full = replay(
      ...steps,
      'CREATE INDEX CONCURRENTLY events_2025_at_idx ON events_2025 (at);\nALTER INDEX events_at_idx ATTACH PARTITION events_2025_at_idx;',
    ).model;
    expect(full.indexes['public.events_at_idx']!.validity).toBe('valid');
  });

  it('turns a unique index into a constraint with USING INDEX, and keeps CHECK (col IS NOT NULL) for SET NOT NULL', () => {
    const { model } = replay(
      'CREATE TABLE orders (id bigint, ref text);',
      'CREATE UNIQUE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);',
      'ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;\nALTER TABLE orders ADD CONSTRAINT orders_ref_nn CHECK (ref IS NOT NULL) NOT VALID;',
    );
    expect(model.indexes['public.orders_ref_idx']).toBeUndefined();
    expect(model.indexes['public.orders_ref_key']).toMatchObject({ unique: true, columns: ['ref'] });
    const t = model.tables['public.orders']!;
    expect(t.constraints).toEqual([
      { name: 'orders_ref_key', kind: 'unique', columns: ['ref'], validated: true, usingIndex: 'orders_ref_idx' },
      { name: 'orders_ref_nn', kind: 'check', columns: ['ref'], validated: false, notNullOf: 'ref' },
    ]);
  });

  it('keeps enums, domains, views, materialized views, sequences and schemas', () => {
    const { model } = replay(
      "CREATE SCHEMA billing;\nCREATE TYPE billing.status AS ENUM ('open', 'paid');\nCREATE DOMAIN email AS varchar(254);\nCREATE SEQUENCE invoice_no;",
      "ALTER TYPE billing.status ADD VALUE 'void';\nCREATE TABLE billing.invoices (id int, status billing.status);\nCREATE VIEW open_invoices AS SELECT * FROM billing.invoices;\nCREATE MATERIALIZED VIEW invoice_totals AS SELECT count(*) FROM billing.invoices;",
      'ALTER TABLE billing.invoices RENAME TO bills;\nDROP SEQUENCE invoice_no;',
    );
    expect(model.schemas).toEqual({ public: true, billing: true });
    expect(model.types['billing.status']).toMatchObject({ kind: 'enum', values: ['open', 'paid', 'void'] });
    expect(model.types['public.email']).toMatchObject({ kind: 'domain', base: { name: 'varchar', mods: [254] } });
    expect(Object.keys(model.tables)).toEqual(['billing.bills']);
    expect(model.views['public.invoice_totals']!.materialized).toBe(true);
    expect(model.views['public.open_invoices']!.materialized).toBe(false);
    expect(model.sequences).toEqual({});
  });

  it('records what a migration did to a table the history never created, marked partial, and invents nothing else', () => {
    const { model, unknown } = replay(
      'CREATE TABLE a (id int);',
      'ALTER TABLE legacy ADD COLUMN note varchar(10);\nDROP INDEX nowhere_idx;\nDROP TABLE IF EXISTS gone;',
    );
    expect(unknown[1]).toEqual(['ALTER TABLE public.legacy', 'DROP INDEX public.nowhere_idx']);
    expect(model.tables['public.legacy']).toMatchObject({ partial: true, createdBy: '', columnsUnknown: true, constraints: [] });
    expect(model.tables['public.legacy']!.columns.map((c) => c.name)).toEqual(['note']);
  });

  it('marks tables filled by INSERT … SELECT or COPY, and DROP TABLE … CASCADE removes the referencing foreign keys', () => {
    const { model } = replay(
      'CREATE TABLE parents (id int PRIMARY KEY);\nCREATE TABLE kids (id int, parent_id int REFERENCES parents);',
      'INSERT INTO kids SELECT g, NULL FROM generate_series(1, 10) g;',
      'DROP TABLE parents CASCADE;',
    );
    expect(model.tables['public.kids']!.filledBy).toBe('m2.sql');
    expect(model.tables['public.kids']!.constraints).toEqual([]);
    expect(model.indexes['public.parents_pkey']).toBeUndefined();
  });
});

describe("a table's indexes, looked up without reading every index", () => {
  const migrations = [
    'CREATE TABLE a (id int PRIMARY KEY, x int, y int);\nCREATE TABLE b (id int, a_id int);\nCREATE INDEX a_x ON a (x);\nCREATE INDEX a_y ON a (y);\nCREATE INDEX b_a ON b (a_id);',
    'ALTER TABLE a DROP COLUMN x;\nCREATE INDEX a_xy ON a (y, id);\nALTER TABLE b RENAME TO c;',
    'DROP TABLE c;\nCREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\nDROP INDEX a_y;',
  ];
  /** Every index's key by table, read the slow way: what the lookups must agree with. */
  const scan = (indexes: SchemaModel['indexes'], table: string) =>
    Object.entries(indexes)
      .filter(([, ix]) => ix.table === table)
      .map(([k]) => k)
      .sort();
  const tables = ['public.a', 'public.b', 'public.c'];

  it('Replay.indexesOn agrees with a scan, statement by statement, over a catalog changed in place', () => {
    const model = emptyModel();
    migrations.forEach((sql, i) => {
      const r = new Replay(model, `m${i + 1}.sql`);
      for (const s of parseSync(sql).stmts ?? []) {
        const [kind, node] = Object.entries(s.stmt as Record<string, unknown>)[0]!;
        r.apply(kind, node);
        for (const t of tables) {
          const now = Object.fromEntries(r.all('indexes'));
          expect(
            r
              .indexesOn(t)
              .map((ix) => `${ix.schema}.${ix.name}`)
              .sort(),
          ).toEqual(scan(now, t));
        }
      }
      // As the history applies a delta: in place, the lookup kept current.
      for (const [k, v] of Object.entries(r.delta().indexes)) setIndexInPlace(model.indexes, k, v);
      for (const [k, v] of Object.entries(r.delta().tables)) {
        if (v) model.tables[k] = v;
        else delete model.tables[k];
      }
      for (const t of tables) expect([...indexKeysOn(model.indexes, t)].sort()).toEqual(scan(model.indexes, t));
    });
    expect(scan(model.indexes, 'public.a')).toEqual(['public.a_pkey', 'public.a_xy']);
    expect(scan(model.indexes, 'public.b')).toEqual(['public.b_id']);
  });
});

describe('index columns named by a Django field', () => {
  it('reads a column the table lacks as <name>_id when that is a column (a ForeignKey indexed by its field name in a later migration)', () => {
    const { model } = replay(
      'CREATE TABLE attribute_value (id bigint PRIMARY KEY, product_id bigint REFERENCES product_product (id), name varchar(100));',
      'CREATE INDEX CONCURRENTLY assignedprodattrval_product_idx ON attribute_value (product);\nCREATE INDEX attribute_value_name_idx ON attribute_value (name);',
    );
    expect(model.indexes['public.assignedprodattrval_product_idx']!.columns).toEqual(['product_id']);
    expect(model.indexes['public.attribute_value_name_idx']!.columns).toEqual(['name']);
  });
});

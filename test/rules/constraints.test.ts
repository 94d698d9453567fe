import { describe, expect, it } from 'vitest';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' }, ruleSeverity: 'warn' });

describe('disallowed-unique-constraint and adding-serial-primary-key-field', () => {
  it('the USING INDEX suggestion keeps schema, quoting and a generated name', async () => {
    const sql = 'ALTER TABLE sales."Orders" ADD UNIQUE (store_id, "externalRef");\n';
    expect(await tester.fix('disallowed-unique-constraint', sql, { fixTypes: ['suggestion'] })).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY "Orders_store_id_externalRef_key" ON sales."Orders" (store_id, "externalRef");\nALTER TABLE sales."Orders" ADD CONSTRAINT "Orders_store_id_externalRef_key" UNIQUE USING INDEX "Orders_store_id_externalRef_key";\n',
    );
  });

  it('inside a transaction there is no suggestion (CONCURRENTLY would fail), only the procedure', async () => {
    const f = await tester.findings(
      'disallowed-unique-constraint',
      'BEGIN;\nALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);\nCOMMIT;\n',
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.suggestions ?? []).toEqual([]);
    expect(f[0]!.help).toContain('CREATE UNIQUE INDEX CONCURRENTLY');
  });

  it('USING INDEX is fine; a second subcommand leaves no suggestion', async () => {
    expect(
      await tester.findings(
        'disallowed-unique-constraint',
        'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;\n',
      ),
    ).toEqual([]);
    expect(
      await tester.findings('adding-serial-primary-key-field', 'ALTER TABLE customers ADD CONSTRAINT customers_pkey PRIMARY KEY USING INDEX customers_pkey;\n'),
    ).toEqual([]);
    const two = await tester.findings('adding-serial-primary-key-field', 'ALTER TABLE shipments ADD COLUMN note text, ADD PRIMARY KEY (order_id);\n');
    expect(two).toHaveLength(1);
    expect(two[0]!.suggestions ?? []).toEqual([]);
  });

  it('small tables are silent, large ones errors', async () => {
    const sql = 'ALTER TABLE countries ADD PRIMARY KEY (iso_code);\n';
    expect(await tester.findings('adding-serial-primary-key-field', sql, { tables: { countries: { rows: 250 } } })).toEqual([]);
    const big = await tester.findings('adding-serial-primary-key-field', 'ALTER TABLE page_views ADD PRIMARY KEY (id);\n', {
      tables: { page_views: { rows: 48_000_000 } },
      severities: { 'adding-serial-primary-key-field': 'warn' },
    });
    expect(big[0]!.severity).toBe('error');
    expect(big[0]!.message).toBe(
      'Adding a primary key on page_views (48.0M rows) builds its unique index while holding an ACCESS EXCLUSIVE lock: every SELECT, INSERT, UPDATE and DELETE waits until the build is done.',
    );
  });
});

describe('adding-required-field', () => {
  it('NOT NULL without default, a PRIMARY KEY column; not identity, serial, generated, or an empty table', async () => {
    const id = 'adding-required-field';
    expect(await tester.findings(id, 'ALTER TABLE orders ADD COLUMN currency text NOT NULL;\n')).toHaveLength(1);
    expect(await tester.findings(id, 'ALTER TABLE orders ADD COLUMN uid bigint PRIMARY KEY;\n')).toHaveLength(1);
    expect(await tester.findings(id, 'ALTER TABLE orders ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;\n')).toEqual([]);
    expect(await tester.findings(id, 'ALTER TABLE orders ADD COLUMN seq bigserial NOT NULL;\n')).toEqual([]);
    expect(await tester.findings(id, 'ALTER TABLE orders ADD COLUMN currency text NOT NULL;\n', { tables: { orders: { rows: 0 } } })).toEqual([]);
  });
});

describe('ban-alter-domain-with-add-constraint', () => {
  it('names the tables using the domain and carries the SHARE lock it takes on them (test/locks.pg.test.ts proves it)', async () => {
    const sql = [
      'ALTER TABLE customers ADD COLUMN contact_email email_address;',
      'ALTER TABLE newsletter_signups ADD COLUMN email email_address;',
      "ALTER DOMAIN email_address ADD CONSTRAINT email_address_has_at CHECK (VALUE LIKE '%@%');",
      '',
    ].join('\n');
    const [f] = await tester.findings('ban-alter-domain-with-add-constraint', sql);
    expect(f!.message).toContain('every table with a column of this domain (customers, newsletter_signups), while holding a SHARE lock on each');
    expect(f!.data?.lock).toMatchObject({ mode: 'SHARE', relation: 'customers' });
    // NOT VALID takes no lock on the tables (proved on PostgreSQL too): no lock data.
    const [nv] = await tester.findings('ban-alter-domain-with-add-constraint', sql.replace("'%@%');", "'%@%') NOT VALID;"));
    expect(nv!.messageId).toBe('notValid');
    expect(nv!.data?.lock).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' }, ruleSeverity: 'warn' });
/** The rule at its configured (default) severity and preset. */
const defaults = new RuleTester();

describe('prefer-robust-stmts (off by default)', () => {
  const id = 'prefer-robust-stmts';
  it('is off unless configured', async () => {
    expect(await defaults.findings(id, 'CREATE TABLE invoices (id bigint PRIMARY KEY);\n')).toEqual([]);
  });

  it('fixes DROP TABLE, DROP COLUMN and DROP CONSTRAINT with IF EXISTS', async () => {
    expect(
      await tester.fix(
        id,
        'DROP TABLE legacy_sessions;\nALTER TABLE orders DROP COLUMN legacy_flag;\nALTER TABLE ONLY public.orders DROP CONSTRAINT orders_legacy_check;\n',
      ),
    ).toBe(
      'DROP TABLE IF EXISTS legacy_sessions;\nALTER TABLE orders DROP COLUMN IF EXISTS legacy_flag;\nALTER TABLE ONLY public.orders DROP CONSTRAINT IF EXISTS orders_legacy_check;\n',
    );
  });

  it('ADD CONSTRAINT needs a preceding DROP CONSTRAINT IF EXISTS of that name; there is no mechanical fix', async () => {
    const f = await tester.findings(id, 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n');
    expect(f[0]!.message).toContain('precede ADD CONSTRAINT with ALTER TABLE … DROP CONSTRAINT IF EXISTS');
    expect(f[0]!.fix).toBeUndefined();
  });

  it('two subcommands that each need a change get one finding and no fix', async () => {
    const f = await tester.findings(id, 'ALTER TABLE orders ADD COLUMN a text, DROP COLUMN b;\n');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('ADD COLUMN, DROP COLUMN');
    expect(f[0]!.fix).toBeUndefined();
  });
});

describe('require-statement-timeout (off by default)', () => {
  const id = 'require-statement-timeout';
  it('is off unless configured; set_config counts as a setting', async () => {
    expect(await defaults.findings(id, 'ALTER TABLE orders ADD COLUMN note text;\n')).toEqual([]);
    expect(await tester.findings(id, "SELECT set_config('statement_timeout', '10s', false);\nALTER TABLE orders ADD COLUMN note text;\n")).toEqual([]);
    expect(await tester.findings(id, 'SET statement_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\n')).toHaveLength(1);
  });
});

describe('ban-unbatched-backfill', () => {
  const id = 'ban-unbatched-backfill';
  it('DELETE without WHERE; an UPDATE beside DDL on another table is fine', async () => {
    expect((await tester.findings(id, 'DELETE FROM sessions;\n'))[0]!.message).toContain('DELETE on sessions without WHERE');
    expect(
      await tester.findings(id, "BEGIN;\nALTER TABLE customers ADD COLUMN tier text;\nUPDATE orders SET currency = 'EUR' WHERE id < 1000;\nCOMMIT;\n"),
    ).toEqual([]);
  });

  it('is size-aware: silent on a table known to be small (a one-row settings table), an error on a large one', async () => {
    // Lemmy's registration_mode migration: local_site holds one row.
    const sql =
      "UPDATE local_site SET registration_mode = 'closed' WHERE require_application = false;\nUPDATE local_site SET require_email_verification = false;\n";
    expect(await tester.findings(id, sql, { tables: { local_site: { rows: 1, bytes: 8192 } } })).toEqual([]);
    const large = await tester.findings(id, sql, { tables: { local_site: { rows: 2_000_000 } } });
    expect(large.map((f) => [f.loc.line, f.severity])).toEqual([[2, 'error']]);
    const unknown = await tester.findings(id, sql);
    expect(unknown.map((f) => [f.loc.line, f.severity])).toEqual([[2, 'warn']]);
  });

  it('an UPDATE before the DDL in the same transaction counts too', async () => {
    const f = await tester.findings(
      id,
      "BEGIN;\nUPDATE orders SET currency = 'EUR' WHERE currency IS NULL;\nALTER TABLE orders ALTER COLUMN currency SET NOT NULL;\nCOMMIT;\n",
    );
    expect(f.map((x) => x.loc.line)).toEqual([2]);
    expect(f[0]!.message).toBe(
      'UPDATE on orders runs in the same transaction as ALTER TABLE on line 3, after it: every row the backfill changed stays locked against UPDATE and DELETE while ALTER TABLE waits for its ACCESS EXCLUSIVE lock, and until the transaction commits.',
    );
    // It does not claim the schema change's lock is held during the backfill: the DDL comes after it.
    expect(f[0]!.message).not.toContain('held for the whole backfill');
  });

  it('with DDL both before and after, the lock of the one before is the one held through the backfill', async () => {
    const f = await tester.findings(
      id,
      "BEGIN;\nCREATE INDEX orders_currency_idx ON orders (currency);\nUPDATE orders SET currency = 'EUR' WHERE currency IS NULL;\nALTER TABLE orders ALTER COLUMN currency SET NOT NULL;\nCOMMIT;\n",
    );
    expect(f[0]!.message).toContain('same transaction as CREATE INDEX on line 2: the SHARE lock it takes is held for the whole backfill');
  });
});

describe('require-concurrent-refresh and ban-vacuum-full-and-cluster', () => {
  it('refresh of a view created WITH NO DATA in the unit is fine', async () => {
    expect(
      await tester.findings(
        'require-concurrent-refresh',
        'CREATE MATERIALIZED VIEW mv_sales AS SELECT 1 AS x WITH NO DATA;\nREFRESH MATERIALIZED VIEW mv_sales;\n',
      ),
    ).toEqual([]);
  });

  it('VACUUM (FULL false) is plain VACUUM; CLUSTER with no table rewrites every clustered table', async () => {
    expect(await tester.findings('ban-vacuum-full-and-cluster', 'VACUUM (FULL false, ANALYZE) events;\n')).toEqual([]);
    expect((await tester.findings('ban-vacuum-full-and-cluster', 'CLUSTER;\n'))[0]!.message).toBe(
      'CLUSTER without a table rewrites every previously clustered table in the database, each under an ACCESS EXCLUSIVE lock.',
    );
  });
});

describe('require-statement-timeout fix placement', () => {
  const id = 'require-statement-timeout';
  it('goes before the offender when a RESET earlier in the file would undo a SET at the top', async () => {
    const sql =
      "SET statement_timeout = '1min';\nUPDATE orders SET note = '' WHERE id = 1;\nRESET statement_timeout;\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n";
    expect(await tester.fix(id, sql)).toBe(
      "SET statement_timeout = '1min';\nUPDATE orders SET note = '' WHERE id = 1;\nRESET statement_timeout;\nSET statement_timeout = '5s';\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n",
    );
  });
});

describe('ban-drop-column', () => {
  it('reports once per statement, naming every column it drops', async () => {
    const f = await tester.findings(
      'ban-drop-column',
      'ALTER TABLE orders DROP COLUMN IF EXISTS legacy_status, DROP COLUMN fax_number, DROP COLUMN telex;\nALTER TABLE customers DROP COLUMN fax;\n',
    );
    expect(f.map((x) => x.message)).toEqual([
      'Dropping columns legacy_status, fax_number and telex of orders (a brief ACCESS EXCLUSIVE lock) deletes their data for good and breaks every running query that names them (SELECT *, ORMs that list every column, INSERTs that set them).',
      'Dropping column fax of customers (a brief ACCESS EXCLUSIVE lock) deletes its data for good and breaks every running query that names it (SELECT *, ORMs that list every column, INSERTs that set it).',
    ]);
  });
});

describe('ban-drop-table', () => {
  it('not for a cache table CREATE TABLE … AS rebuilds later in the migration; a plain CREATE TABLE starts empty, so that drop is still reported', async () => {
    // LemmyNet/lemmy 2020-08-03 add_preferred_usernames_banners_and_icons: user_fast is dropped with the views it
    // caches and built again from the new user_view further down the file.
    const sql = [
      'DROP TABLE user_fast;',
      'DROP TABLE community_fast, site_snapshot;',
      'DROP VIEW user_view;',
      'CREATE VIEW user_view AS SELECT u.id, u.name, u.preferred_username FROM user_ u;',
      'CREATE TABLE user_fast AS SELECT * FROM user_view;',
      'ALTER TABLE user_fast ADD PRIMARY KEY (id);',
      'CREATE TABLE community_fast AS SELECT * FROM user_view;',
      'CREATE TABLE site_snapshot (id int PRIMARY KEY, taken_at timestamp);',
      '',
    ].join('\n');
    const f = await defaults.findings('ban-drop-table', sql);
    expect(f.map((x) => [x.loc.line, x.message.split(' deletes')[0]])).toEqual([[2, 'Dropping table site_snapshot']]);
  });
});

describe('renaming-column', () => {
  const id = 'renaming-column';
  it('not when the old name was given earlier in the migration: a swap reports its first two renames only', async () => {
    // alphagov/publishing-api 20200406130817_rename_json_columns.rb swaps access_limits' json columns this way.
    const f = await defaults.findings(
      id,
      [
        'ALTER TABLE access_limits RENAME COLUMN users TO old_users;',
        'ALTER TABLE access_limits RENAME COLUMN temp_users TO users;',
        'ALTER TABLE access_limits RENAME COLUMN old_users TO temp_users;',
        'ALTER TABLE access_limits ADD COLUMN organisations_json jsonb;',
        'ALTER TABLE access_limits RENAME COLUMN organisations_json TO organisations_v2;',
        '',
      ].join('\n'),
    );
    expect(f.map((x) => [x.loc.line, x.message.split(' takes')[0]])).toEqual([
      [1, 'Renaming column access_limits.users to old_users'],
      [2, 'Renaming column access_limits.temp_users to users'],
    ]);
  });

  it('not on a table renamed earlier in the migration (renaming-table reports that break); a same-named column of another table still counts', async () => {
    // goharbor/harbor 0004_1.8.0_schema.up.sql: replication_target becomes registry, then its columns are renamed.
    const sql = [
      'ALTER TABLE replication_target RENAME TO registry;',
      'ALTER TABLE registry RENAME COLUMN username TO access_key;',
      'ALTER TABLE replication_policy ADD COLUMN access_key text;',
      'ALTER TABLE harbor_user RENAME COLUMN access_key TO api_key;',
      '',
    ].join('\n');
    expect((await defaults.findings(id, sql)).map((x) => x.loc.line)).toEqual([4]);
  });
});

describe('require-concurrent-reindex', () => {
  it('says plain SELECTs wait too, in the message and in the blocks list of data.lock', async () => {
    const [f] = await tester.findings('require-concurrent-reindex', 'REINDEX TABLE orders;\n');
    expect(f!.message).toContain('plain SELECTs on the table wait too, because planning any query on a table locks all its indexes');
    expect(f!.data?.lock?.mode).toBe('SHARE');
    expect(f!.data?.lock?.blocks[0]).toBe('SELECT');
  });
});

describe('ban-drop-not-null', () => {
  const id = 'ban-drop-not-null';
  it('one ALTER TABLE dropping NOT NULL on several columns is one finding naming each (one lock, one change of contract)', async () => {
    // The shape of documenso's 20250522054050_add_organisations: Prisma puts every column change of a table in one statement.
    const sql = [
      '-- AlterTable',
      'ALTER TABLE "TeamGlobalSettings" DROP COLUMN "allowEmbeddedAuthoring",',
      'ADD COLUMN     "id" TEXT,',
      'ALTER COLUMN "documentVisibility" DROP NOT NULL,',
      'ALTER COLUMN "documentVisibility" DROP DEFAULT,',
      'ALTER COLUMN "includeSenderDetails" DROP NOT NULL,',
      'ALTER COLUMN "brandingEnabled" DROP NOT NULL;',
      '',
    ].join('\n');
    const f = await defaults.findings(id, sql);
    expect(f.map((x) => x.message)).toEqual([
      'ALTER COLUMN "documentVisibility", "includeSenderDetails" and "brandingEnabled" DROP NOT NULL on "TeamGlobalSettings" (a brief ACCESS EXCLUSIVE lock): code that reads the columns assumes they are never NULL, and once NULLs are written, restoring NOT NULL needs a full-table check.',
    ]);
    const one = await defaults.findings(id, 'ALTER TABLE "ApiToken" ALTER COLUMN "expires" DROP NOT NULL;\n');
    expect(one.map((x) => x.message)).toEqual([
      'ALTER COLUMN expires DROP NOT NULL on "ApiToken" (a brief ACCESS EXCLUSIVE lock): code that reads the column assumes it is never NULL, and once NULLs are written, restoring NOT NULL needs a full-table check.',
    ]);
  });
});

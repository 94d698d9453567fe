import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixText, lintText, loadParsers, type LintTextOptions } from '../src/engine/lint-text.js';
import { hasError, parsePython, type PyNode } from '../src/sources/python/tree.js';
import { adapterFor } from '../src/sources/index.js';
import { countFailures, parseUnit } from '../src/sql/statements.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { detectFramework, unrecognised } from '../src/sources/index.js';
import type { FileResult } from '../src/types.js';
import { RuleTester } from './helpers/rule-tester.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/frameworks/', import.meta.url));
const ALEMBIC = `${FIXTURES}alembic/alembic/versions/`;
const DJANGO = `${FIXTURES}django/shop/orders/migrations/`;

beforeAll(loadParsers);

/** Fixes are proven by the rule tester: applied, valid Python, the SQL parses, the rule is clean after. */
const tester = new RuleTester();

async function lintFile(path: string, o: LintTextOptions = {}): Promise<FileResult> {
  return lintText(readFileSync(path, 'utf8'), { filename: path, ...o });
}

const ids = (r: FileResult): string[] => r.findings.map((f) => f.ruleId);
const only = (r: FileResult, id: string) => r.findings.filter((f) => f.ruleId === id);

const HEADER = `from alembic import op
import sqlalchemy as sa

revision = '1b2c3d4e5f60'
down_revision = '0a1b2c3d4e5f'
branch_labels = None
depends_on = None
`;
const REV = 'alembic/versions/1b2c3d4e5f60_test.py';

describe('detection', () => {
  it('tells Alembic and Django migrations from other Python files', () => {
    expect(
      detectFramework(`${ALEMBIC}3f2a9c1d7b4e_add_performance_indexes.py`, readFileSync(`${ALEMBIC}3f2a9c1d7b4e_add_performance_indexes.py`, 'utf8')),
    ).toBe('alembic');
    expect(detectFramework(`${DJANGO}0002_order_orders_cust_created_idx.py`, readFileSync(`${DJANGO}0002_order_orders_cust_created_idx.py`, 'utf8'))).toBe(
      'django',
    );
    expect(unrecognised(`${FIXTURES}alembic/alembic/env.py`, readFileSync(`${FIXTURES}alembic/alembic/env.py`, 'utf8'))).toMatch(/neither an Alembic revision/);
    expect(unrecognised('x.sql', 'SELECT 1')).toBeNull();
  });

  it('reports a Python file that is not a migration, when named, as unrecognised and lints nothing else', async () => {
    const r = await lintFile(`${FIXTURES}django/manage.py`);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ ruleId: 'unsupported-framework-construct', severity: 'warn' });
  });
});

describe('Alembic: the seed', () => {
  const seed = `${ALEMBIC}3f2a9c1d7b4e_add_performance_indexes.py`;

  it('flags CREATE INDEX CONCURRENTLY in op.execute(sa.text("""…""")) at its line and column in the .py file', async () => {
    const r = await lintFile(seed);
    const f = only(r, 'ban-concurrent-index-creation-in-transaction');
    expect(f).toHaveLength(1);
    expect(f[0]!.loc).toEqual({ line: 23, column: 5, endLine: 24, endColumn: 43 });
    expect(f[0]!.message).toContain('Alembic runs all pending migrations in one transaction');
    expect(r.assumption).toBeUndefined(); // env.py was read
    expect(ids(r)).toContain('concurrent-index-invalid-leftover');
    expect(ids(r)).not.toContain('parse-error');
  });

  it('fixes it with autocommit_block, keeping the string and the rest of the file', async () => {
    const text = readFileSync(seed, 'utf8');
    const fixed = await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: seed });
    expect(fixed).toBe(
      text.replace(
        '    op.execute(sa.text("""\n    CREATE INDEX CONCURRENTLY',
        '    with op.get_context().autocommit_block():\n        op.execute(sa.text("""\n    CREATE INDEX CONCURRENTLY',
      ),
    );
    expect(fixed).toContain(
      'with op.get_context().autocommit_block():\n        op.execute(sa.text("""\n    CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user_created\n    ON messages (user_id, created_at DESC)\n"""))\n\n\ndef downgrade()',
    );
  });

  it('its correct form (autocommit_block + postgresql_concurrently=True) is clean', async () => {
    const r = await lintFile(`${ALEMBIC}5b8e41c07a22_add_performance_indexes_autocommit.py`);
    expect(r.findings).toEqual([]);
  });

  it('lints downgrade() only with includeDown', async () => {
    expect(only(await lintFile(seed), 'ban-concurrent-index-creation-in-transaction')).toHaveLength(1);
    const down = await lintFile(seed, { settings: { includeDown: true } });
    const f = only(down, 'ban-concurrent-index-creation-in-transaction');
    expect(f.map((x) => x.loc.line)).toEqual([23, 29]);
  });
});

describe('Alembic: operations', () => {
  it('op.create_index on an existing table: postgresql_concurrently=True inside autocommit_block (multi-line call)', async () => {
    const text = `${HEADER}

def upgrade():
    op.create_index(
        'ix_orders_created_at',
        'orders',
        ['created_at'],
        unique=False
    )
`;
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: REV, tables: { orders: { rows: 2_000_000 } } })).toBe(`${HEADER}

def upgrade():
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_orders_created_at',
            'orders',
            ['created_at'],
            unique=False,
            postgresql_concurrently=True
        )
`);
  });

  it('one-line op.create_index in a nested block, with the other statements of the function kept', async () => {
    const text = `${HEADER}

def upgrade():
    op.execute("SET lock_timeout = '2s'")
    if op.get_context().dialect.name == "postgresql":
        op.create_index("ix_events_user", "events", ["user_id"], postgresql_where=sa.text("user_id IS NOT NULL"))
    op.execute("RESET lock_timeout")
`;
    const r = await lintText(text, { filename: REV });
    expect(only(r, 'require-concurrent-index-creation')[0]!.loc).toMatchObject({ line: 13, column: 9 });
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: REV, tables: { events: { partitioned: false } } })).toBe(`${HEADER}

def upgrade():
    op.execute("SET lock_timeout = '2s'")
    if op.get_context().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index("ix_events_user", "events", ["user_id"], postgresql_where=sa.text("user_id IS NOT NULL"), postgresql_concurrently=True)
    op.execute("RESET lock_timeout")
`);
  });

  it('postgresql_concurrently=True outside autocommit_block still fails; on a new table the fix drops it', async () => {
    const path = `${ALEMBIC}8d0f6a3e1c57_create_word_lists.py`;
    const text = readFileSync(path, 'utf8');
    const r = await lintFile(path);
    expect(only(r, 'ban-concurrent-index-creation-in-transaction').map((f) => f.loc.line)).toEqual([29]);
    expect(ids(r)).not.toContain('require-concurrent-index-creation'); // word_lists is created in this migration
    const fixed = await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: path });
    expect(fixed).toBe(text.replace("['user_id'], unique=False, postgresql_concurrently=True)", "['user_id'], unique=False)"));
  });

  it('on an existing table, postgresql_concurrently=True outside the block is wrapped', async () => {
    const text = `${HEADER}

def upgrade():
    op.create_index('ix_orders_ref', 'orders', ['ref'], postgresql_concurrently=True)
`;
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: REV })).toBe(`${HEADER}

def upgrade():
    with op.get_context().autocommit_block():
        op.create_index('ix_orders_ref', 'orders', ['ref'], postgresql_concurrently=True)
`);
  });

  it('reads env.py: transaction_per_migration=True, and batch_alter_table operations', async () => {
    const path = `${FIXTURES}alembic-per-migration/migrations/versions/2024_06_11_0915-b7c1d2e3f4a5_invoice_indexes.py`;
    const r = await lintFile(path);
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')[0]!.message).toContain('transaction_per_migration=True in env.py');
    expect(only(r, 'require-concurrent-index-creation')[0]!.loc.line).toBe(20);
    const fixed = await fixText(readFileSync(path, 'utf8'), { filename: path, tables: { invoices: { partitioned: false } } });
    expect(fixed.text).toContain(`    with op.batch_alter_table("invoices") as batch_op:
        with op.get_context().autocommit_block():
            batch_op.create_index("ix_invoices_due_on", ["due_on"], postgresql_concurrently=True)`);
    expect(hasError(parsePython(fixed.text))).toBe(false);
  });

  it('env.py with AUTOCOMMIT isolation runs statements outside any transaction', async () => {
    const text = `${HEADER}\n\ndef upgrade():\n    op.execute("CREATE INDEX CONCURRENTLY ix_a ON a (b)")\n`;
    const r = await lintText(text, {
      filename: '/proj/alembic/versions/1b2c_x.py',
      files: { '/proj/alembic/env.py': 'engine = create_engine(url, isolation_level="AUTOCOMMIT")\n' },
    });
    expect(ids(r)).not.toContain('ban-concurrent-index-creation-in-transaction');
    const dflt = await lintText(text, { filename: '/nowhere/alembic/versions/1b2c_x.py', files: {} });
    expect(dflt.assumption).toMatch(/env.py not found/);
    expect(ids(dflt)).toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('schema operations become statements for the same rules, located at the call', async () => {
    const r = await lintFile(`${ALEMBIC}a41b7c9e2d10_messages_schema_changes.py`);
    const at = (id: string) => only(r, id).map((f) => f.loc.line);
    expect(at('adding-not-nullable-field')).toEqual([27]);
    expect(at('adding-foreign-key-constraint')).toEqual([28]);
    expect(at('constraint-missing-not-valid')).toEqual([29]);
    expect(at('require-concurrent-index-deletion')).toEqual([31]);
    // One transaction: the first add_column takes ACCESS EXCLUSIVE on messages, and the other operations on messages
    // find it held. Listed: that one, the foreign key's lock on threads, the drop of an index the history does not
    // place on a table, and the rename of message_attachments.
    expect(only(r, 'require-lock-timeout')[0]!.message).toMatch(/^No lock_timeout is set before 4 statement/);
    expect(ids(r)).not.toContain('parse-error');
  });

  it('a multi-statement op.execute inside autocommit_block is one implicit transaction', async () => {
    const text = `${HEADER}\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.execute("SET lock_timeout = '2s'; CREATE INDEX CONCURRENTLY ix_a ON a (b)")\n`;
    const f = only(await lintText(text, { filename: REV }), 'ban-concurrent-index-creation-in-transaction');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('autocommit_block');
  });
});

describe('Alembic: embedded SQL', () => {
  it('maps findings through escapes, implicit concatenation, dedent and module constants', async () => {
    const r = await lintFile(`${ALEMBIC}c2e9d4b1a8f3_backfill_and_reporting_views.py`);
    // REPORT_INDEX: two adjacent literals bound to a module constant; the finding is on the literal.
    expect(only(r, 'require-concurrent-index-creation')[0]!.loc).toEqual({ line: 24, column: 6, endLine: 25, endColumn: 43 });
    // conn = op.get_bind(); conn.execute(text("…")): the CHECK constraint, at its column in the line.
    expect(only(r, 'constraint-missing-not-valid')[0]!.loc).toEqual({ line: 41, column: 24, endLine: 41, endColumn: 101 });
    // The :cutoff bind marker and the \\n escape are not syntax errors.
    expect(ids(r)).not.toContain('parse-error');
    // The f-string and the %-formatted string are reported once each, as info.
    const dynamic = only(r, 'unsupported-framework-construct');
    expect(dynamic.map((f) => [f.loc.line, f.severity])).toEqual([
      [46, 'info'],
      [47, 'info'],
    ]);
    expect(dynamic[0]!.message).toContain('f-string with expressions');
  });

  it('columns count UTF-16 units after escapes and non-ASCII text', async () => {
    const text = `${HEADER}\n\ndef upgrade():\n    op.execute("COMMENT ON TABLE t IS 'caf\\u00e9 — ok';\\nALTER TABLE orders ADD CONSTRAINT c CHECK (n > 0)")\n`;
    const f = only(await lintText(text, { filename: REV }), 'constraint-missing-not-valid')[0]!;
    const line = text.split('\n')[f.loc.line - 1]!;
    expect(line.slice(f.loc.column - 1, f.loc.endColumn - 1)).toBe('ALTER TABLE orders ADD CONSTRAINT c CHECK (n > 0)');
  });

  it('textwrap.dedent keeps the positions of the original lines', async () => {
    const text = `${HEADER}import textwrap\n\n\ndef upgrade():\n    op.execute(textwrap.dedent("""\\\n        ALTER TABLE orders\n            ADD CONSTRAINT orders_total_positive CHECK (total >= 0)\n    """))\n`;
    const f = only(await lintText(text, { filename: REV }), 'constraint-missing-not-valid')[0]!;
    expect(f.loc).toMatchObject({ line: 13, column: 9, endLine: 14, endColumn: 68 });
  });

  it("require-lock-timeout writes the SET as an op.execute() call of its own, never into another statement's string", async () => {
    const text = `${HEADER}\n\ndef upgrade():\n    op.execute("ALTER TABLE orders ADD COLUMN note text")\n    op.add_column("orders", sa.Column("tag", sa.Text()))\n`;
    const fixed = await tester.fix('require-lock-timeout', text, { filename: REV });
    expect(fixed).toBe(
      `${HEADER}\n\ndef upgrade():\n    op.execute("SET lock_timeout = '2s'")\n    op.execute("ALTER TABLE orders ADD COLUMN note text")\n    op.add_column("orders", sa.Column("tag", sa.Text()))\n`,
    );
    const triple = `${HEADER}\n\ndef upgrade():\n    op.execute("""\n        ALTER TABLE orders ADD COLUMN note text\n    """)\n`;
    expect(await tester.fix('require-lock-timeout', triple, { filename: REV })).toBe(
      `${HEADER}\n\ndef upgrade():\n    op.execute("SET lock_timeout = '2s'")\n    op.execute("""\n        ALTER TABLE orders ADD COLUMN note text\n    """)\n`,
    );
  });
});

describe('suppression and bad input', () => {
  it('# migralint-disable-next-line covers the whole call; disable-file works', async () => {
    const r = await lintFile(`${ALEMBIC}e7f3a2c5b901_reviewed_exceptions.py`);
    expect(r.findings).toEqual([]);
  });

  it('an unused Python directive is reported', async () => {
    const text = `${HEADER}\n\ndef upgrade():\n    # migralint-disable-next-line require-concurrent-index-creation\n    op.execute("SELECT 1")\n`;
    expect(ids(await lintText(text, { filename: REV }))).toEqual(['unused-disable-directive']);
  });

  it('a syntax error is one parse-error at its line; the rest of the file is still read', async () => {
    const r = await lintFile(`${ALEMBIC}f1a2b3c4d5e6_add_user_settings.py`);
    const errors = only(r, 'parse-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.loc.line).toBe(20);
    expect(only(r, 'require-concurrent-index-creation').map((f) => f.loc.line)).toContain(19);
  });
});

describe('Django', () => {
  it('AddIndex → AddIndexConcurrently, the import, and atomic = False', async () => {
    const path = `${DJANGO}0002_order_orders_cust_created_idx.py`;
    const r = await lintFile(path);
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.message).toContain('orders_order');
    expect(f.loc).toMatchObject({ line: 13, column: 9, endLine: 16, endColumn: 10 });
    const fixed = await tester.fix('require-concurrent-index-creation', readFileSync(path, 'utf8'), {
      filename: path,
      tables: { orders_order: { partitioned: false } },
    });
    expect(fixed).toBe(`# Generated by Django 5.1.4 on 2025-01-14 09:30

from django.db import migrations, models
from django.contrib.postgres.operations import AddIndexConcurrently


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('orders', '0001_initial'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='order',
            index=models.Index(fields=['customer', '-created_at'], name='orders_cust_created_idx'),
        ),
    ]
`);
  });

  it('two AddIndex in one migration: one import, one atomic = False', async () => {
    const text = `from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [('orders', '0001_initial')]

    operations = [
        migrations.AddIndex(model_name='order', index=models.Index(fields=['a'], name='o_a')),
        migrations.AddIndex(model_name='order', index=models.Index(fields=['b'], name='o_b')),
    ]
`;
    const path = 'shop/orders/migrations/0009_two.py';
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: path, tables: { orders_order: { partitioned: false } } }))
      .toBe(`from django.db import migrations, models
from django.contrib.postgres.operations import AddIndexConcurrently


class Migration(migrations.Migration):

    atomic = False

    dependencies = [('orders', '0001_initial')]

    operations = [
        AddIndexConcurrently(model_name='order', index=models.Index(fields=['a'], name='o_a')),
        AddIndexConcurrently(model_name='order', index=models.Index(fields=['b'], name='o_b')),
    ]
`);
  });

  it('a migration that holds other operations gets the split, not atomic = False', async () => {
    const r = await lintFile(`${DJANGO}0003_order_note_order_orders_note_idx.py`);
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.help).toMatch(/migrations\.AddField \(line 13\).*Split it/);
  });

  it('RunSQL CONCURRENTLY in an atomic migration: atomic = False', async () => {
    const path = `${DJANGO}0004_orders_paid_at_idx.py`;
    const text = readFileSync(path, 'utf8');
    const r = await lintFile(path);
    expect(only(r, 'ban-concurrent-index-creation-in-transaction')[0]!.loc).toMatchObject({ line: 12, column: 18 });
    const fixed = await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: path });
    expect(fixed).toBe(
      text.replace(
        'class Migration(migrations.Migration):\n\n    dependencies',
        'class Migration(migrations.Migration):\n\n    atomic = False\n\n    dependencies',
      ),
    );
  });

  it('AddIndexConcurrently with atomic = False is clean; on a new table in an atomic migration it becomes AddIndex', async () => {
    expect((await lintFile(`${DJANGO}0005_order_orders_status_created_idx.py`)).findings).toEqual([]);
    // No lock finding, and no type-style finding: an initial migration's types come from the models (and those
    // rules are in the strict preset).
    expect(ids(await lintFile(`${DJANGO}0001_initial.py`))).toEqual([]);
    const text = `from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    operations = [
        migrations.CreateModel(name='Refund', fields=[('id', models.BigAutoField(primary_key=True)), ('amount', models.IntegerField())]),
        AddIndexConcurrently(model_name='refund', index=models.Index(fields=['amount'], name='refund_amount_idx')),
    ]
`;
    const fixed = await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: 'shop/orders/migrations/0010_refund.py' });
    expect(fixed).toBe(text.replace("        AddIndexConcurrently(model_name='refund'", "        migrations.AddIndex(model_name='refund'"));
  });

  it('operations resolve tables as <app_label>_<model>, or db_table; FK adds a constraint and an index', async () => {
    const r = await lintFile(`${DJANGO}0006_schema_changes.py`);
    // Django adds a ForeignKey inline in ADD COLUMN; the new column is all NULL, so PostgreSQL checks no row.
    expect(only(r, 'adding-foreign-key-constraint')).toEqual([]);
    expect(only(r, 'require-lock-timeout')[0]!.message).toContain(
      'ALTER TABLE on orders_order and auth_user (line 16, ACCESS EXCLUSIVE; SHARE ROW EXCLUSIVE on auth_user)',
    );
    expect(only(r, 'require-concurrent-index-creation').map((f) => f.loc.line)).toEqual([16]);
    expect(only(r, 'constraint-missing-not-valid')[0]!.message).toContain('orders_total_gte_0');
    expect(only(r, 'require-concurrent-index-deletion')[0]!.loc.line).toBe(61);
    // SeparateDatabaseAndState: the state-only DeleteModel does not run; the database RunSQL does.
    const separate = `from django.db import migrations


class Migration(migrations.Migration):

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Coupon')],
            database_operations=[migrations.RunSQL('ALTER TABLE orders_coupon RENAME TO marketing_coupon')],
        ),
    ]
`;
    const sep = only(await lintText(separate, { filename: 'shop/orders/migrations/0011_move_coupon.py' }), 'require-lock-timeout');
    expect(sep[0]!.message).toMatch(/^No lock_timeout is set before 1 statement\(s\) that take strong locks: ALTER TABLE on orders_coupon \(line 9/);
    const dbTable = `from django.db import migrations, models


class Migration(migrations.Migration):

    operations = [
        migrations.CreateModel(name='Ledger', fields=[('id', models.BigAutoField(primary_key=True))], options={'db_table': 'billing_ledger'}),
        migrations.AddIndex(model_name='ledger', index=models.Index(fields=['id'], name='ledger_id_idx')),
    ]
`;
    expect((await lintText(dbTable, { filename: 'billing/migrations/0001_initial.py' })).findings).toEqual([]);
  });

  it('a migration that runs after the deploy (django-safemigrate Safe.after_deploy(), Sentry is_post_deployment = True): its drops are info notes', async () => {
    const safemigrate = (safe: string) => `from django.db import migrations
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = ${safe}

    dependencies = [
        ("orders", "0011_order_fulfilment"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="order",
            name="legacy_note",
        ),
        migrations.DeleteModel(
            name="GiftWrap",
        ),
    ]
`;
    const drops = (r: FileResult) =>
      r.findings.filter((f) => f.ruleId === 'ban-drop-column' || f.ruleId === 'ban-drop-table').map((f) => [f.loc.line, f.ruleId, f.severity]);
    const file = 'shop/orders/migrations/0012_remove_legacy_note.py';
    const after = await lintText(safemigrate('Safe.after_deploy()'), { filename: file });
    expect(drops(after)).toEqual([
      [13, 'ban-drop-column', 'info'],
      [17, 'ban-drop-table', 'info'],
    ]);
    expect(only(after, 'ban-drop-table')[0]!.message).toBe(
      'Dropping table orders_giftwrap deletes its data for good; the code that stopped using it is live first, as the migration says: it runs after the deploy (`safe = Safe.after_deploy()`, django-safemigrate).',
    );
    expect(drops(await lintText(safemigrate('Safe.before_deploy()'), { filename: file }))).toEqual([
      [13, 'ban-drop-column', 'warn'],
      [17, 'ban-drop-table', 'warn'],
    ]);
    // Sentry's migrations subclass Migration (CheckedMigration) and mark post-deployment ones on the class.
    const sentry = (post: string) => `from django.db import migrations

from shop.db.migrations import CheckedMigration


class Migration(CheckedMigration):
    is_post_deployment = ${post}

    dependencies = [
        ("orders", "0012_remove_legacy_note"),
    ]

    operations = [
        migrations.RunSQL(
            'ALTER TABLE "orders_order" DROP COLUMN "legacy_flags";',
            reverse_sql='ALTER TABLE "orders_order" ADD COLUMN "legacy_flags" integer NULL;',
        ),
    ]
`;
    const sentryFile = 'shop/orders/migrations/0013_drop_legacy_flags.py';
    expect(detectFramework(sentryFile, sentry('True'))).toBe('django');
    expect(drops(await lintText(sentry('True'), { filename: sentryFile }))).toEqual([[15, 'ban-drop-column', 'info']]);
    expect(drops(await lintText(sentry('False'), { filename: sentryFile }))).toEqual([[15, 'ban-drop-column', 'warn']]);
    // A class named Migration that subclasses something else, in a file without Django's migrations, is not Django.
    expect(detectFramework('tools/migrate.py', 'from yoyo import step\n\n\nclass Migration(BaseMigration):\n    pass\n')).not.toBe('django');
  });

  it('RunSQL lists, (sql, params) pairs, %s markers and dynamic SQL', async () => {
    const r = await lintFile(`${DJANGO}0007_reporting.py`);
    expect(ids(r)).not.toContain('parse-error');
    // SET LOCAL in the first element holds for every later operation: the migration is one transaction.
    expect(ids(r)).not.toContain('require-lock-timeout');
    const withoutSet = readFileSync(`${DJANGO}0007_reporting.py`, 'utf8').replace(`"SET LOCAL lock_timeout = '2s'",`, '');
    expect(only(await lintText(withoutSet, { filename: `${DJANGO}0007_reporting.py` }), 'require-lock-timeout')[0]!.message).toMatch(
      /ALTER TABLE on orders_order \(line 24.*REFRESH MATERIALIZED on orders_daily_totals \(line 4,/,
    );
    expect(only(r, 'unsupported-framework-construct').map((f) => f.loc.line)).toEqual([31]);
  });
});

describe('Django: require-lock-timeout', () => {
  it('writes the SET as a RunSQL operation of its own before the first operation', async () => {
    const text = [
      'from django.db import migrations, models',
      '',
      '',
      'class Migration(migrations.Migration):',
      '    dependencies = [("orders", "0004_orders_paid_at_idx")]',
      '',
      '    operations = [',
      '        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),',
      '    ]',
      '',
    ].join('\n');
    const filename = 'shop/orders/migrations/0005_order_note.py';
    const fixed = await tester.fix('require-lock-timeout', text, { filename: filename });
    expect(fixed).toBe(
      text.replace('    operations = [\n', '    operations = [\n        migrations.RunSQL("SET lock_timeout = \'2s\'", reverse_sql=migrations.RunSQL.noop),\n'),
    );
  });

  it('a name bound to sa.text("…") earlier in the revision is read where conn.execute runs it', async () => {
    const text = `${HEADER}

def upgrade():
    connection = op.get_bind()
    update_query = sa.text("UPDATE dashboards SET tags = :tags WHERE id = :id")
    for dashboard in connection.execute(sa.text("SELECT id, name FROM dashboards")):
        connection.execute(update_query, tags=[], id=dashboard[0])
`;
    const r = await lintText(text, { filename: 'migrations/versions/1b2c3d4e5f60_inline_tags.py' });
    expect(r.coverage).toEqual({ statements: 2, unreadable: 0 });
    expect(only(r, 'unsupported-framework-construct')).toEqual([]);
  });

  it('SQLAlchemy Core on a table the revision declares is read: update / select / delete / insert, with and without WHERE', async () => {
    const text = `${HEADER}
from sqlalchemy.sql import table

def upgrade():
    op.add_column("queries", sa.Column("old_schedule", sa.String(length=10), nullable=True))
    queries = table("queries", sa.Column("id", sa.Integer), sa.Column("schedule", sa.String(length=10)), sa.Column("old_schedule", sa.String(length=10)))
    op.execute(queries.update().values({"old_schedule": queries.c.schedule}))
    conn = op.get_bind()
    for row in conn.execute(queries.select()):
        conn.execute(queries.update().where(queries.c.id == row.id).values(schedule=None))
    conn.execute(queries.delete().where(queries.c.schedule == None))
    conn.execute(queries.insert().values(id=1, schedule="1h"))
    conn.execute(sa.select([queries.c.id]).select_from(queries))
`;
    const r = await lintText(text, { filename: 'migrations/versions/1b2c3d4e5f60_old_schedule.py' });
    expect(r.coverage).toEqual({ statements: 6, unreadable: 1 });
    expect(r.statements!.map((s) => `${s.line} ${s.head}`)).toEqual(['12 ALTER TABLE', '14 UPDATE', '16 SELECT', '17 UPDATE', '18 DELETE', '19 INSERT']);
    // The UPDATE with no WHERE is a backfill of the whole table; both UPDATEs run in the transaction of the ALTER TABLE.
    expect(only(r, 'ban-unbatched-backfill').map((f) => [f.loc.line, /without WHERE/.test(f.message)])).toEqual([
      [14, true],
      [17, false],
    ]);
    expect(only(r, 'unsupported-framework-construct').map((f) => f.loc.line)).toEqual([20]);
  });
});

describe('tree-sitter trees parsed from the last tree (the parse guard re-reads a fixed file)', () => {
  const MIGRATION = readFileSync(`${DJANGO}0006_schema_changes.py`, 'utf8');
  /** A node as plain data (no parent links), for comparing trees. */
  const shape = (n: PyNode): unknown => [n.type, n.start, n.end, n.named, n.field, n.error, n.children.map(shape)];
  /** A parse that cannot start from the last tree: a different text is parsed first. */
  const fresh = (text: string): unknown => {
    parsePython('pass\n');
    return shape(parsePython(text));
  };
  /** `after` parsed right after `before`: incrementally when most of it is the same. */
  const following = (before: string, after: string): unknown => {
    parsePython('pass\n');
    parsePython(before);
    return shape(parsePython(after));
  };
  const insertAt = (text: string, anchor: string, inserted: string): string => {
    const at = text.indexOf(anchor) + anchor.length;
    expect(at).toBeGreaterThanOrEqual(anchor.length);
    return text.slice(0, at) + inserted + text.slice(at);
  };

  it('a fix inserted into the operations gives the tree a first parse gives', () => {
    const fixed = insertAt(MIGRATION, 'operations = [\n', `        migrations.RunSQL("SET lock_timeout = '2s'", reverse_sql=migrations.RunSQL.noop),\n`);
    expect(fixed).not.toBe(MIGRATION);
    expect(following(MIGRATION, fixed)).toEqual(fresh(fixed));
  });

  it('an edit that breaks the syntax gives the errors a first parse gives, and so does the repaired text after it', () => {
    const broken = insertAt(MIGRATION, 'operations = [\n', '        migrations.RunSQL("SELECT 1",\n');
    const tree = following(MIGRATION, broken);
    expect(hasError(parsePython(broken))).toBe(true);
    expect(tree).toEqual(fresh(broken));
    expect(following(broken, MIGRATION)).toEqual(fresh(MIGRATION));
  });

  it('text beyond the Basic Multilingual Plane around the edit keeps every offset', () => {
    const before = `# 🐘 migration\nx = "🐘🐘"\ny = "a🐘b"\n${MIGRATION}`;
    const after = before.replace('"a🐘b"', '"a🐘🐘b"').replace('"🐘🐘"', '"🐘x🐘"');
    expect(following(before, after)).toEqual(fresh(after));
    expect(following(after, before)).toEqual(fresh(before));
    // One character for another with the same high surrogate: the unchanged start ends inside a pair.
    const swapped = before.replace('"a🐘b"', '"a🐙b"');
    expect(following(before, swapped)).toEqual(fresh(swapped));
  });
});

describe('the parse guard counts what the parse stage fails on', () => {
  it("countFailures is parseUnit's failure count, and takes a chunk known to parse cleanly for one without errors", () => {
    const text = `from django.db import migrations

class Migration(migrations.Migration):
    dependencies = []
    operations = [
        migrations.RunSQL("CREATE TABLE t (id int); CREATE TABLE (broken;"),
        migrations.RunSQL("ALTER TABLE t ADD COLUMN c int"),
        migrations.RunSQL("SELEC 1"),
    ]
`;
    const unit = adapterFor('django').extract({ path: 'shop/orders/migrations/0009_x.py', text, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} });
    const clean = new Set<string>();
    const parsed = parseUnit(unit, undefined, clean);
    expect(parsed.failures.length).toBe(2);
    expect([...clean]).toEqual(['ALTER TABLE t ADD COLUMN c int']);
    expect(countFailures(unit, new Set())).toBe(2);
    expect(countFailures(unit, clean)).toBe(2);
    // What the set says is taken as known, unparsed.
    expect(countFailures(unit, new Set(['SELEC 1']))).toBe(1);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixText, lintText } from '../../src/engine/lint-text.js';
import { cliJson } from '../helpers/cli-json.js';
import { fixtureVariant, tempDirs } from '../helpers/repo.js';

describe('require-lock-timeout fix and one-query chunks', () => {
  it('does not put a SET into a knex.raw string whose index another fix makes CONCURRENTLY', async () => {
    const code = [
      'exports.config = { transaction: false };',
      '',
      'exports.up = async function (knex) {',
      "  await knex.raw('CREATE INDEX orders_created_idx ON orders (created_at)');",
      '};',
      '',
      'exports.down = async function (knex) {',
      "  await knex.raw('DROP INDEX orders_created_idx');",
      '};',
      '',
    ].join('\n');
    const filename = 'migrations/20240312101500_orders_created_idx.js';
    // orders is known not to be partitioned: CONCURRENTLY is then a safe fix.
    const tables = { orders: { partitioned: false } };
    const before = await lintText(code, { filename, tables });
    expect(before.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['require-concurrent-index-creation', 'require-lock-timeout']));
    const fixed = await fixText(code, { filename, tables });
    expect(fixed.text).toContain("knex.raw('CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at)')");
    expect(fixed.text).not.toContain('SET lock_timeout');
    const after = await lintText(fixed.text, { filename });
    expect(after.findings.filter((f) => f.ruleId === 'ban-concurrent-index-creation-in-transaction' || f.ruleId === 'parse-error')).toEqual([]);
  });

  it('puts the SET before the first statement of a psql file', async () => {
    const fixed = await fixText('-- add a note column\nALTER TABLE orders ADD COLUMN note text;\n', { rules: ['require-lock-timeout'] });
    expect(fixed.text).toBe("-- add a note column\nSET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n");
  });
});

describe('require-lock-timeout messages', () => {
  const ids = (r: { findings: Array<{ ruleId: string; message: string }> }) =>
    r.findings.filter((f) => f.ruleId === 'require-lock-timeout').map((f) => f.message);

  it('says which queries queue: everything behind ACCESS EXCLUSIVE, only writes behind SHARE', async () => {
    const [ael] = ids(await lintText('ALTER TABLE orders ADD COLUMN note text;\n'));
    expect(ael).toContain('every query on orders, reads included, queues behind it.');
    const [share] = ids(await lintText('CREATE INDEX orders_placed_idx ON orders (placed_at);\n'));
    expect(share).toContain('writes to orders queue behind it while reads go on.');
    const [both] = ids(await lintText('ALTER TABLE customers ADD COLUMN tier text;\nCREATE INDEX orders_placed_idx ON orders (placed_at);\n'));
    expect(both).toContain('every query on customers, reads included, queues behind it; writes to orders queue behind it while reads go on.');
    // REINDEX holds SHARE on the table but waits for ACCESS EXCLUSIVE on its indexes, which every query's planning locks
    // (test/locks.pg.test.ts proves a SELECT queues behind a waiting REINDEX).
    const [reindex] = ids(await lintText('REINDEX TABLE orders;\n'));
    expect(reindex).toContain('REINDEX TABLE on orders (line 1, SHARE)');
    expect(reindex).toContain('every query on orders, reads included, queues behind it.');
    // DROP INDEX of an index the history never created: its table is unknown, its ACCESS EXCLUSIVE lock (on the table
    // too) still queues reads.
    const [drop] = ids(await lintText('DROP INDEX orders_placed_idx;\nCREATE INDEX orders_placed_at_idx ON orders (placed_at);\n'));
    expect(drop).toContain('DROP INDEX on orders_placed_idx (line 1, ACCESS EXCLUSIVE)');
    expect(drop).toContain(
      'every query on the table of orders_placed_idx, reads included, queues behind it; writes to orders queue behind it while reads go on.',
    );
  });

  it("lists one line's identical statements once, with their count (Django's AddField with a default sends two ALTER TABLEs)", async () => {
    const code = [
      'from django.db import migrations, models',
      '',
      '',
      'class Migration(migrations.Migration):',
      '    dependencies = [',
      '        ("account", "0019_auto_20180528_1205"),',
      '    ]',
      '',
      '    operations = [',
      '        migrations.AddField(',
      '            model_name="user",',
      '            name="token",',
      '            field=models.UUIDField(default="00000000-0000-0000-0000-000000000000", editable=False),',
      '        ),',
      '    ]',
      '',
    ].join('\n');
    // In a non-atomic migration each ALTER TABLE runs in a transaction of its own, and each waits for the lock.
    const nonAtomic = code.replace('    dependencies = [', '    atomic = False\n\n    dependencies = [');
    const [m] = ids(await lintText(nonAtomic, { filename: 'saleor/account/migrations/0020_user_token.py' }));
    expect(m).toContain('before 2 statement(s) that take strong locks: ALTER TABLE on account_user (line 12, 2 statements, ACCESS EXCLUSIVE).');
    // In one transaction (Django's default) the second finds the lock held and waits for nothing: only the first is listed.
    const [atomic] = ids(await lintText(code, { filename: 'saleor/account/migrations/0020_user_token.py' }));
    expect(atomic).toContain('before 1 statement(s) that take strong locks: ALTER TABLE on account_user (line 10, ACCESS EXCLUSIVE).');
    // Statements on different lines stay apart, in order.
    const [two] = ids(await lintText('ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;\n'));
    expect(two).toContain('ALTER TABLE on orders (line 1, ACCESS EXCLUSIVE); ALTER TABLE on orders (line 2, ACCESS EXCLUSIVE).');
  });

  it("catches a new table's foreign key to an existing table, which locks the existing one", async () => {
    const [m] = ids(await lintText('CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id));\n'));
    expect(m).toContain('CREATE TABLE on orders (line 1, SHARE ROW EXCLUSIVE)');
    expect(m).toContain('writes to orders queue behind it while reads go on');
    expect(ids(await lintText('CREATE TABLE refunds (id bigint PRIMARY KEY, reason text);\n'))).toEqual([]);
  });

  it('catches DETACH PARTITION … CONCURRENTLY: its second transaction waits for ACCESS EXCLUSIVE on the partition', async () => {
    // test/locks.pg.test.ts proves each lock it waits for, phase by phase.
    const detach = 'ALTER TABLE events DETACH PARTITION events_2023_01 CONCURRENTLY;\n';
    const [m] = ids(await lintText(detach));
    expect(m).toContain('ALTER TABLE on events_2023_01 (line 1, ACCESS EXCLUSIVE)');
    expect(m).toContain('every query on events_2023_01, reads included, queues behind it.');
    expect(ids(await lintText(`SET lock_timeout = '2s';\n${detach}`))).toEqual([]);
  });

  it('flags a lock_timeout above lockTimeoutMax (10s when unset), and not one within it', async () => {
    const [m] = ids(await lintText("SET lock_timeout = '1h';\nALTER TABLE orders ADD COLUMN note text;\n"));
    expect(m).toBe(
      'lock_timeout is 1h before 1 statement(s) that take strong locks: ALTER TABLE on orders (line 2). That is above the longest accepted (10s, config lockTimeoutMax): while such a statement waits for its lock, every query on orders, reads included, queues behind it for up to 1h.',
    );
    expect(ids(await lintText('SET lock_timeout = 1500;\nALTER TABLE orders ADD COLUMN note text;\n'))).toEqual([]);
    expect(ids(await lintText("SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n"))).toEqual([]);
    expect(ids(await lintText("SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n", { settings: { lockTimeoutMax: '3s' } }))).toHaveLength(1);
    expect(ids(await lintText("SET lock_timeout = '2min';\nALTER TABLE orders ADD COLUMN note text;\n"))).toHaveLength(1);
  });
});

describe('require-lock-timeout: one finding per cost', () => {
  const rlt = (r: { findings: Array<{ ruleId: string; severity: string; message: string; help?: string }> }) =>
    r.findings.filter((f) => f.ruleId === 'require-lock-timeout');

  it('is info when every strong lock is one a CONCURRENTLY fix removes, and that finding is reported', async () => {
    const text = 'CREATE INDEX orders_placed_idx ON orders (placed_at);\nDROP INDEX orders_legacy_idx;\n';
    const r = await lintText(text);
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId)).toEqual([
      'require-concurrent-index-creation',
      'require-concurrent-index-deletion',
    ]);
    expect(rlt(r).map((f) => f.severity)).toEqual(['info']);
    expect(rlt(r)[0]!.help).toContain('CONCURRENTLY');
  });

  it('stays a warning when one strong lock has no such finding (an ALTER TABLE), or the index table is small (no index finding)', async () => {
    const mixed = await lintText('CREATE INDEX orders_placed_idx ON orders (placed_at);\nALTER TABLE orders ADD COLUMN note text;\n');
    expect(rlt(mixed).map((f) => f.severity)).toEqual(['warn']);
    const small = await lintText('CREATE INDEX orders_placed_idx ON orders (placed_at);\n', { tables: { orders: { rows: 40 } } });
    expect(small.findings.map((f) => f.ruleId)).not.toContain('require-concurrent-index-creation');
    expect(rlt(small).map((f) => f.severity)).toEqual(['warn']);
  });

  it('stays a warning when the rule asking for CONCURRENTLY is off (nothing else then reports the wait)', async () => {
    const text = 'CREATE INDEX orders_placed_idx ON orders (placed_at);\nDROP INDEX orders_legacy_idx;\n';
    const off = await lintText(text, { severities: { 'require-concurrent-index-deletion': 'off' } });
    expect(rlt(off).map((f) => f.severity)).toEqual(['warn']);
    const on = await lintText(text, { severities: { 'require-concurrent-index-deletion': 'error' } });
    expect(rlt(on).map((f) => f.severity)).toEqual(['info']);
  });

  it('is a warning again when a directive suppresses the finding that owned the wait: nothing else reports it then', async () => {
    const sql = [
      '-- migralint-disable-next-line require-concurrent-index-creation -- built in the maintenance window',
      'CREATE INDEX orders_placed_idx ON orders (placed_at);',
      'DROP INDEX orders_legacy_idx;',
      '',
    ].join('\n');
    const r = await lintText(sql);
    expect(r.findings.map((f) => `${f.loc.line} ${f.ruleId} ${f.severity}`)).toEqual([
      '2 require-lock-timeout warn',
      '3 require-concurrent-index-deletion warn',
    ]);
    // Suppressing another rule's finding on that line changes nothing.
    const other = await lintText(sql.replace('require-concurrent-index-creation --', 'require-concurrent-index-creation, ban-drop-column --'));
    expect(rlt(other).map((f) => f.severity)).toEqual(['warn']);
    // The directive disabling require-lock-timeout itself still wins.
    const both = await lintText(`-- migralint-disable-file require-lock-timeout\n${sql}`);
    expect(rlt(both)).toEqual([]);
  });

  it("is a warning again when a Django migration's directive suppresses the AddIndex finding", async () => {
    const code = [
      'from django.db import migrations, models',
      '',
      '',
      'class Migration(migrations.Migration):',
      '    dependencies = [',
      '        ("orders", "0041_order_placed_at"),',
      '    ]',
      '',
      '    operations = [',
      '        # migralint-disable-next-line require-concurrent-index-creation -- orders_order is loaded after the migration',
      '        migrations.AddIndex(',
      '            model_name="order",',
      '            index=models.Index(fields=["placed_at"], name="orders_placed_idx"),',
      '        ),',
      '    ]',
      '',
    ].join('\n');
    const filename = 'shop/orders/migrations/0042_order_placed_idx.py';
    const r = await lintText(code, { filename });
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['require-lock-timeout warn']);
    const plain = await lintText(code.replace(/ *# migralint-disable-next-line.*\n/, ''), { filename });
    expect(plain.findings.map((f) => `${f.ruleId} ${f.severity}`).sort()).toEqual(['require-concurrent-index-creation error', 'require-lock-timeout info']);
  });

  it('names a CREATE OR REPLACE TRIGGER as such in the list of statements (Lemmy fix_soft_delete_aggregates)', async () => {
    const sql = [
      'DROP TRIGGER IF EXISTS post_aggregates_comment_set_deleted ON comment;',
      '',
      'CREATE OR REPLACE TRIGGER post_aggregates_comment_count',
      '    AFTER INSERT OR DELETE OR UPDATE OF removed, deleted ON comment',
      '    FOR EACH ROW',
      '    EXECUTE FUNCTION post_aggregates_comment_count ();',
      '',
    ].join('\n');
    const [f] = rlt(await lintText(sql));
    expect(f!.message).toContain('DROP TRIGGER on comment (line 1, ACCESS EXCLUSIVE); CREATE OR REPLACE TRIGGER on comment (line 3, SHARE ROW EXCLUSIVE)');
  });

  it('stays a warning for REINDEX before PostgreSQL 12 (no CONCURRENTLY there)', async () => {
    const r11 = await lintText('REINDEX TABLE orders;\n', { settings: { pgVersion: 11 } });
    expect(rlt(r11).map((f) => f.severity)).toEqual(['warn']);
    const r15 = await lintText('REINDEX TABLE orders;\n');
    expect(rlt(r15).map((f) => f.severity)).toEqual(['info']);
  });
});

describe('require-lock-timeout: the statements that wait for a strong lock on an existing table', () => {
  const tempDir = tempDirs('migralint-lock-timeout-');

  const rlt = (r: { findings: Array<{ ruleId: string; severity: string; message: string }> }) => r.findings.filter((f) => f.ruleId === 'require-lock-timeout');

  it("lists a new table's foreign key to an existing table added by ALTER TABLE, as Prisma writes it (documenso add_passkeys)", async () => {
    const sql = [
      '-- CreateTable',
      'CREATE TABLE "Passkey" (',
      '    "id" TEXT NOT NULL,',
      '    "userId" INTEGER NOT NULL,',
      '    "credentialId" BYTEA NOT NULL,',
      '    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
      '',
      '    CONSTRAINT "Passkey_pkey" PRIMARY KEY ("id")',
      ');',
      '',
      '-- CreateIndex',
      'CREATE INDEX "Passkey_userId_idx" ON "Passkey"("userId");',
      '',
      '-- AddForeignKey',
      'ALTER TABLE "Passkey" ADD CONSTRAINT "Passkey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;',
      '',
    ].join('\n');
    const found = rlt(await lintText(sql, { filename: 'packages/prisma/migrations/20240306060259_add_passkeys/migration.sql' }));
    expect(found.map((f) => f.severity)).toEqual(['warn']);
    expect(found[0]!.message).toBe(
      'No lock_timeout is set before 1 statement(s) that take strong locks: ALTER TABLE on "User" (line 15, SHARE ROW EXCLUSIVE). While such a statement waits for its lock behind a long-running query, writes to "User" queue behind it while reads go on.',
    );
  });

  it('lists each foreign key of a Drizzle migration to an existing table, and none to the tables it creates', async () => {
    // Dokploy 0149_rare_radioactive_man: two new tables, keys between them and to existing organization and user.
    const sql = [
      'CREATE TABLE "volume_backup" (',
      '\t"volumeBackupId" text PRIMARY KEY NOT NULL,',
      '\t"organizationId" text NOT NULL,',
      '\t"destinationId" text NOT NULL',
      ');',
      '--> statement-breakpoint',
      'CREATE TABLE "backup_destination" (',
      '\t"destinationId" text PRIMARY KEY NOT NULL,',
      '\t"userId" text NOT NULL',
      ');',
      '--> statement-breakpoint',
      'ALTER TABLE "volume_backup" ADD CONSTRAINT "volume_backup_destinationId_fk" FOREIGN KEY ("destinationId") REFERENCES "public"."backup_destination"("destinationId") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint',
      'ALTER TABLE "volume_backup" ADD CONSTRAINT "volume_backup_organizationId_fk" FOREIGN KEY ("organizationId") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint',
      'ALTER TABLE "backup_destination" ADD CONSTRAINT "backup_destination_userId_fk" FOREIGN KEY ("userId") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;',
      '',
    ].join('\n');
    const [f] = rlt(await lintText(sql, { filename: 'apps/dokploy/drizzle/0149_rare_radioactive_man.sql' }));
    expect(f?.message).toContain(
      'before 2 statement(s) that take strong locks: ALTER TABLE on public.organization (line 13, SHARE ROW EXCLUSIVE); ALTER TABLE on public."user" (line 14, SHARE ROW EXCLUSIVE).',
    );
    expect(f?.message).toContain('writes to public.organization and public."user" queue behind it while reads go on');
  });

  it('lists a CREATE TABLE whose keys reference a new table and an existing one (Lemmy create_community), once per lock taken', async () => {
    const sql = [
      'BEGIN;',
      'CREATE TABLE category (id serial PRIMARY KEY, name varchar(100) NOT NULL UNIQUE);',
      'CREATE TABLE community (id serial PRIMARY KEY, category_id int REFERENCES category NOT NULL, creator_id int REFERENCES user_ NOT NULL);',
      'CREATE TABLE site (id serial PRIMARY KEY, name varchar(20) NOT NULL, creator_id int REFERENCES user_ NOT NULL);',
      'COMMIT;',
      '',
    ].join('\n');
    const found = rlt(await lintText(sql));
    expect(found.map((f) => f.severity)).toEqual(['warn']);
    // community waits for SHARE ROW EXCLUSIVE on user_; site finds it held by the transaction and waits for nothing.
    expect(found[0]!.message).toContain('before 1 statement(s) that take strong locks: CREATE TABLE on user_ (line 3, SHARE ROW EXCLUSIVE).');
  });

  it("lists an existing table's ALTER TABLE that adds a foreign key to a new table (a Django AddField to a new model)", async () => {
    // saleor product/0013: CreateModel StockLocation, then AddField stock.location_link (a ForeignKey to it).
    const sql = [
      'CREATE TABLE "product_stocklocation" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL);',
      'ALTER TABLE "product_stock" ADD COLUMN "location_link_id" integer NULL CONSTRAINT "product_stock_location_link_id_fkey" REFERENCES "product_stocklocation"("id") DEFERRABLE INITIALLY DEFERRED;',
      '',
    ].join('\n');
    const [f] = rlt(await lintText(sql));
    expect(f?.message).toContain('ALTER TABLE on product_stock (line 2, ACCESS EXCLUSIVE)');
    expect(f?.message).toContain('every query on product_stock, reads included, queues behind it');
  });

  it("lists only the first of a transaction's keys to one existing table: the later ones find its lock held (openstreetmap create_issues_and_reports)", async () => {
    // Rails runs the migration in one transaction; add_foreign_key to users three times, from three new tables.
    const sql = [
      'BEGIN;',
      'CREATE TABLE issues (id bigserial PRIMARY KEY, reported_user_id bigint NOT NULL, resolved_by bigint);',
      'ALTER TABLE issues ADD CONSTRAINT issues_reported_user_id_fkey FOREIGN KEY (reported_user_id) REFERENCES users (id);',
      'ALTER TABLE issues ADD CONSTRAINT issues_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES users (id);',
      'CREATE TABLE reports (id bigserial PRIMARY KEY, issue_id bigint, user_id bigint NOT NULL);',
      'ALTER TABLE reports ADD CONSTRAINT reports_issue_id_fkey FOREIGN KEY (issue_id) REFERENCES issues (id);',
      'ALTER TABLE reports ADD CONSTRAINT reports_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      'COMMIT;',
      '',
    ].join('\n');
    const found = rlt(await lintText(sql));
    expect(found.map((f) => f.message)).toEqual([
      'No lock_timeout is set before 1 statement(s) that take strong locks: ALTER TABLE on users (line 3, SHARE ROW EXCLUSIVE). While such a statement waits for its lock behind a long-running query, writes to users queue behind it while reads go on.',
    ]);
  });

  it("names Django's own table for a new model's key to content types (netbox dcim 0199_macaddress)", async () => {
    const py = [
      'import django.db.models.deletion',
      'from django.db import migrations, models',
      '',
      '',
      'class Migration(migrations.Migration):',
      '    dependencies = [',
      "        ('contenttypes', '0002_remove_content_type_name'),",
      "        ('dcim', '0198_natural_ordering'),",
      '    ]',
      '',
      '    operations = [',
      '        migrations.CreateModel(',
      "            name='MACAddress',",
      '            fields=[',
      "                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),",
      "                ('mac_address', models.CharField(max_length=18)),",
      "                ('assigned_object_id', models.PositiveBigIntegerField(blank=True, null=True)),",
      '                (',
      "                    'assigned_object_type',",
      '                    models.ForeignKey(',
      '                        blank=True,',
      '                        null=True,',
      '                        on_delete=django.db.models.deletion.PROTECT,',
      "                        related_name='+',",
      "                        to='contenttypes.contenttype',",
      '                    ),',
      '                ),',
      '            ],',
      '        ),',
      '    ]',
      '',
    ].join('\n');
    const [f] = rlt(await lintText(py, { filename: 'netbox/dcim/migrations/0199_macaddress.py' }));
    expect(f?.message).toContain('ALTER TABLE on django_content_type (line 12, SHARE ROW EXCLUSIVE)');
    expect(f?.message).toContain('writes to django_content_type queue behind it while reads go on');
  });

  it('lists no foreign key between tables the migration creates', async () => {
    const sql = [
      'CREATE TABLE "Team" ("id" SERIAL NOT NULL, CONSTRAINT "Team_pkey" PRIMARY KEY ("id"));',
      'CREATE TABLE "TeamMember" ("id" SERIAL NOT NULL, "teamId" INTEGER NOT NULL, CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("id"));',
      'ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;',
      '',
    ].join('\n');
    expect(rlt(await lintText(sql, { filename: 'packages/prisma/migrations/20231202134005_teams/migration.sql' }))).toEqual([]);
  });

  it('lists no ALTER SEQUENCE on a sequence the migration creates, and still lists one on an existing sequence (Lemmy add_liked_combined)', async () => {
    const created = [
      'CREATE SEQUENCE person_liked_combined_id_seq AS integer START 1 INCREMENT 1;',
      "CREATE TABLE person_liked_combined (id int NOT NULL DEFAULT nextval('person_liked_combined_id_seq'::regclass), person_id int NOT NULL);",
      'ALTER SEQUENCE person_liked_combined_id_seq OWNED BY person_liked_combined.id;',
      '',
    ].join('\n');
    expect(rlt(await lintText(created, { filename: 'migrations/2025-01-06-000000_add_liked_combined/up.sql' }))).toEqual([]);
    // A serial column's sequence is created with its table.
    const serial = ['CREATE TABLE tagline (id serial PRIMARY KEY, content text NOT NULL);', 'ALTER SEQUENCE tagline_id_seq RESTART WITH 100;', ''].join('\n');
    expect(rlt(await lintText(serial, { filename: 'migrations/2021-11-22-000000_create_tagline/up.sql' }))).toEqual([]);
    const existing = 'ALTER SEQUENCE person_liked_combined_id_seq RESTART WITH 1000;\n';
    const m = (await lintText(existing, { filename: 'migrations/2025-02-01-000000_restart_liked/up.sql' })).findings.find(
      (f) => f.ruleId === 'require-lock-timeout',
    );
    expect(m?.message).toContain('ALTER SEQUENCE on person_liked_combined_id_seq (line 1, SHARE ROW EXCLUSIVE)');
  });

  it('lists the DROP INDEX that takes the lock, not the statements after it that find it held (Lemmy add_post_id_index)', async () => {
    // Diesel runs the up.sql in one transaction: the first DROP INDEX waits for ACCESS EXCLUSIVE on post_aggregates; the
    // second DROP INDEX and both CREATE INDEXes are granted their locks at once. The one statement that waits has its
    // own finding (require-concurrent-index-deletion) whose fix takes no strong lock: this one is info.
    const fixture = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'diesel-index-swap');
    const { results } = await cliJson(['.', '--no-cache'], fixture);
    const swap = results.find((r) => r.filePath.endsWith(path.join('2024-04-23-020604_add_post_id_index', 'up.sql')))!;
    const found = swap.messages.filter((m) => m.ruleId === 'require-lock-timeout');
    expect(found.map((m) => [m.line, m.severity])).toEqual([[2, 0]]);
    expect(found[0]!.message).toContain(
      'before 1 statement(s) that take strong locks: DROP INDEX on idx_post_aggregates_community_most_comments and post_aggregates (line 2, ACCESS EXCLUSIVE).',
    );
    expect(found[0]!.message).not.toContain('writes to public.post_aggregates queue');

    // An ALTER TABLE after the DROP INDEX finds the lock held too, but once the DROP INDEX runs CONCURRENTLY (its
    // finding's fix) the ALTER TABLE waits for ACCESS EXCLUSIVE itself: it stays listed, and the finding a warning.
    const swapFile = path.join('migrations', '2024-04-23-020604_add_post_id_index', 'up.sql');
    const altered = fixtureVariant(tempDir(), fixture, swapFile, (t) =>
      t.replace('DROP INDEX idx_post_aggregates_community_score;', 'ALTER TABLE post_aggregates ADD COLUMN controversy_rank real NOT NULL DEFAULT 0;'),
    );
    const after = (await cliJson(['.', '--no-cache'], altered)).results.find((r) => r.filePath.endsWith(swapFile))!;
    const [m] = after.messages.filter((x) => x.ruleId === 'require-lock-timeout');
    expect(m?.severity).toBe(1);
    expect(m?.message).toContain(
      'before 2 statement(s) that take strong locks: DROP INDEX on idx_post_aggregates_community_most_comments and post_aggregates (line 2, ACCESS EXCLUSIVE); ALTER TABLE on post_aggregates (line 4, ACCESS EXCLUSIVE).',
    );
  });
});

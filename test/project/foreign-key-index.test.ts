/**
 * require-index-on-foreign-key against a project's history: indexes built by earlier migrations count, and with
 * --changed-since, so do indexes built by a later migration of the same change. A pull-request branch in a real
 * git repository, linted through the CLI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliJson, type JsonResult } from '../helpers/cli-json.js';
import { git, tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-fk-index-');

async function lint(cwd: string, ...args: string[]): Promise<JsonResult[]> {
  return (await cliJson([...args, '--no-cache'], cwd)).results;
}

const fkFindings = (results: Awaited<ReturnType<typeof lint>>) =>
  Object.fromEntries(results.map((r) => [r.filePath.replace(/.*migrations\//, ''), r.messages.filter((m) => m.ruleId === 'require-index-on-foreign-key')]));

let repo: string;
beforeAll(() => {
  repo = tempDir();
  git(repo, 'init', '-q', '-b', 'main');
  write(repo, 'db/migrations/20240101000000_create_customers.sql', '-- +goose Up\nCREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n');
  write(
    repo,
    'db/migrations/20240102000000_create_orders.sql',
    '-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, placed_at timestamptz NOT NULL);\nCREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at);\n',
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'orders');
  git(repo, 'checkout', '-q', '-b', 'feature/coupons');
  write(repo, 'db/migrations/20240201000000_create_coupons.sql', '-- +goose Up\nCREATE TABLE coupons (id bigint PRIMARY KEY, code text NOT NULL UNIQUE);\n');
  write(
    repo,
    'db/migrations/20240202000000_orders_coupon.sql',
    [
      '-- +goose Up',
      'ALTER TABLE orders ADD COLUMN coupon_id bigint;',
      'ALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;',
      // Served by the index main built on (customer_id, placed_at).
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      '',
    ].join('\n'),
  );
  write(
    repo,
    'db/migrations/20240203000000_orders_coupon_index.sql',
    '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY orders_coupon_id_idx ON orders (coupon_id);\n',
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'coupons');
});

describe('require-index-on-foreign-key over a history', () => {
  it('counts an index an earlier migration built, and one a later migration of the change builds', async () => {
    const results = await lint(repo, 'db/migrations', '--changed-since', 'main');
    expect(fkFindings(results)).toEqual({
      '20240201000000_create_coupons.sql': [],
      '20240202000000_orders_coupon.sql': [],
      '20240203000000_orders_coupon_index.sql': [],
    });
  });

  it('without git, the files linted together count as deployed together: the later migration indexes the key', async () => {
    const results = await lint(repo, 'db/migrations');
    expect(Object.values(fkFindings(results)).flat()).toEqual([]);
  });

  it('without the change, the file alone leaves orders.coupon_id unindexed; goose runs it in a transaction, so the index goes in a migration of its own', async () => {
    const results = await lint(repo, 'db/migrations/20240202000000_orders_coupon.sql');
    const found = fkFindings(results)['20240202000000_orders_coupon.sql']!;
    expect(found.map((m) => [m.line, m.severity])).toEqual([[3, 1]]);
    expect(found[0]!.message).toBe(
      'Foreign key orders_coupon_fk on orders (coupon_id) references coupons, but no index on orders starts with coupon_id: every DELETE from coupons, and every UPDATE of its key, scans orders to check for referencing rows.',
    );
    expect(found[0]!.suggestions ?? []).toEqual([]);
  });

  it('an index the change builds and then drops does not count', async () => {
    const work = tempDir();
    git(work, 'clone', '-q', repo, 'r');
    const r = `${work}/r`;
    git(r, 'checkout', '-q', 'feature/coupons');
    write(r, 'db/migrations/20240204000000_drop_coupon_index.sql', '-- +goose Up\n-- +goose NO TRANSACTION\nDROP INDEX CONCURRENTLY orders_coupon_id_idx;\n');
    const results = await lint(r, 'db/migrations', '--changed-since', 'origin/main');
    expect(fkFindings(results)['20240202000000_orders_coupon.sql']!.map((m) => m.line)).toEqual([3]);
  });

  it('a key a later migration of the change drops is not reported', async () => {
    const work = tempDir();
    git(work, 'clone', '-q', repo, 'r');
    const r = `${work}/r`;
    git(r, 'checkout', '-q', 'feature/coupons');
    write(r, 'db/migrations/20240203000000_orders_coupon_index.sql', '-- +goose Up\nALTER TABLE orders DROP COLUMN coupon_id;\n');
    const results = await lint(r, 'db/migrations', '--changed-since', 'origin/main');
    expect(Object.values(fkFindings(results)).flat()).toEqual([]);
    // The file alone: the key stands.
    const alone = await lint(r, 'db/migrations/20240202000000_orders_coupon.sql');
    expect(fkFindings(alone)['20240202000000_orders_coupon.sql']!.map((m) => m.line)).toEqual([3]);
  });

  it('on an existing table in a file that runs statement by statement, suggests CREATE INDEX CONCURRENTLY after the key', async () => {
    const dir = tempDir();
    write(
      dir,
      'migrations/V1__customers.sql',
      'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\n',
    );
    const second = 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n';
    write(dir, 'migrations/V2__orders_customer_fk.sql', second);
    const results = await lint(dir, 'migrations', '--framework', 'psql');
    const found = fkFindings(results)['V2__orders_customer_fk.sql']!;
    expect(found).toHaveLength(1);
    const suggestion = found[0]!.suggestions![0]!;
    expect(suggestion.desc).toBe('Add `CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);`');
    const [start, end] = suggestion.fix.range;
    expect(second.slice(0, start) + suggestion.fix.text + second.slice(end)).toBe(
      `${second.trimEnd()}\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n`,
    );
  });
});

describe('a referencing table known to be small', () => {
  // Dokploy's notification settings: a row per configured channel, pointing at a row of telegram.
  const history = (dir: string) => {
    write(
      dir,
      'drizzle/0000_settings.sql',
      'CREATE TABLE "telegram" ("telegramId" text PRIMARY KEY NOT NULL, "botToken" text NOT NULL);\n--> statement-breakpoint\nCREATE TABLE "notification" ("notificationId" text PRIMARY KEY NOT NULL, "name" text NOT NULL);\n',
    );
    write(
      dir,
      'drizzle/0001_notification_telegram.sql',
      'ALTER TABLE "notification" ADD COLUMN "telegramId" text;\n--> statement-breakpoint\nALTER TABLE "notification" ADD CONSTRAINT "notification_telegramId_telegram_telegramId_fk" FOREIGN KEY ("telegramId") REFERENCES "public"."telegram"("telegramId") ON DELETE cascade ON UPDATE no action;\n',
    );
  };
  const severityOf = async (dir: string) =>
    (await lint(dir, 'drizzle', '--framework', 'drizzle'))
      .find((r) => r.filePath.endsWith('0001_notification_telegram.sql'))!
      .messages.filter((m) => m.ruleId === 'require-index-on-foreign-key')
      .map((m) => m.severity);

  it('is info with the table sizes known (each check scans a few rows), a warning without them', async () => {
    const unknown = tempDir();
    history(unknown);
    expect(await severityOf(unknown)).toEqual([1]);
    const known = tempDir();
    history(known);
    write(known, '.migralintrc.json', JSON.stringify({ tables: { notification: { rows: 6 }, telegram: { rows: 2 } } }));
    expect(await severityOf(known)).toEqual([0]);
  });
  it('also on a table its own migration creates: a snapshot that knows the table is of a deployed history, and gives its size today', async () => {
    // Dokploy 0000_reflective_puck.sql creates backup with its key to mysql (Sample 5 #101, Sample 6 #48 on Lemmy's
    // admin_purge_comment): new in that migration, a handful of rows in the snapshot.
    const created = (dir: string) =>
      write(
        dir,
        'drizzle/0000_reflective_puck.sql',
        'CREATE TABLE "mysql" ("mysqlId" text PRIMARY KEY NOT NULL, "name" text NOT NULL);\n--> statement-breakpoint\nCREATE TABLE "backup" ("backupId" text PRIMARY KEY NOT NULL, "mysqlId" text);\n--> statement-breakpoint\nALTER TABLE "backup" ADD CONSTRAINT "backup_mysqlId_mysql_mysqlId_fk" FOREIGN KEY ("mysqlId") REFERENCES "public"."mysql"("mysqlId") ON DELETE cascade ON UPDATE no action;\n',
      );
    const severity = async (dir: string) =>
      (await lint(dir, 'drizzle', '--framework', 'drizzle'))
        .find((r) => r.filePath.endsWith('0000_reflective_puck.sql'))!
        .messages.filter((m) => m.ruleId === 'require-index-on-foreign-key')
        .map((m) => m.severity);
    const unknown = tempDir();
    created(unknown);
    expect(await severity(unknown)).toEqual([1]);
    const known = tempDir();
    created(known);
    write(known, '.migralintrc.json', JSON.stringify({ tables: { backup: { rows: 9 }, mysql: { rows: 4 } } }));
    expect(await severity(known)).toEqual([0]);
    const large = tempDir();
    created(large);
    write(large, '.migralintrc.json', JSON.stringify({ tables: { backup: { rows: 5_000_000 }, mysql: { rows: 4 } } }));
    expect(await severity(large)).toEqual([1]);
  });
});

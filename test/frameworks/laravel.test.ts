import { describe, expect, it } from 'vitest';
import { diskFileSystem } from '../../src/disk.js';
import { lintText, loadParsers } from '../../src/engine/lint-text.js';
import { detectFramework, unrecognised } from '../../src/frameworks/index.js';
import { orderHistory } from '../../src/project/order.js';
import { parsePhp } from '../../src/sources/php/tree.js';
import { firstError } from '../../src/sources/python/tree.js';
import type { OperationItem, SqlChunk } from '../../src/types.js';
import { RuleTester } from '../helpers/rule-tester.js';
import { extractFixture, fx, lined, lintFixture, read } from './helpers.js';

const M = 'laravel/database/migrations';
const tester = new RuleTester();
const WRAPPED = 'Laravel runs each migration in a transaction on PostgreSQL (unless the class sets $withinTransaction = false)';

describe('Laravel', () => {
  it('detects database/migrations/*.php migrations; other PHP is not a migration', async () => {
    await loadParsers();
    const fs = diskFileSystem();
    expect(detectFramework(fx(`${M}/2024_03_01_090000_create_customers_table.php`), read(`${M}/2024_03_01_090000_create_customers_table.php`), fs)).toBe(
      'laravel',
    );
    expect(unrecognised(fx('laravel/app/Models/User.php'), '<?php\nclass User extends Model {}\n', fs)).toMatch(/not a Laravel migration/);
  });

  it('reads the Schema builder as PostgresGrammar compiles it: columns NOT NULL unless nullable, Laravel index names', () => {
    const orders = extractFixture(`${M}/2024_03_01_090500_create_orders_table.php`).unit;
    expect(orders.items.map((i) => (i as OperationItem).sql)).toEqual([
      'CREATE TABLE orders (id bigserial primary key, customer_id bigint NOT NULL, total_cents integer NOT NULL DEFAULT 0, status varchar(20) NULL, created_at timestamp(0) without time zone NULL, updated_at timestamp(0) without time zone NULL)',
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_foreign FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE',
    ]);
    const idx = extractFixture(`${M}/2024_03_10_120000_add_status_index_to_orders_table.php`).unit;
    expect((idx.items[0] as OperationItem).sql).toBe('CREATE INDEX orders_status_created_at_index ON orders (status, created_at)');
    expect(idx.items[0]!.exec).toEqual({ wrapped: true, reason: WRAPPED, oneQuery: false });
    const change = extractFixture(`${M}/2024_04_02_110000_make_orders_status_required.php`).unit;
    expect((change.items[1] as OperationItem).sql).toBe(
      "ALTER TABLE orders ALTER COLUMN status TYPE varchar(20), ALTER COLUMN status SET NOT NULL, ALTER COLUMN status SET DEFAULT 'pending'",
    );
  });

  it('reads DB::statement strings and nowdocs at their place; $withinTransaction = false opts out', () => {
    const rel = `${M}/2024_03_12_081000_add_lower_email_index_to_customers_table.php`;
    const file = read(rel);
    const { unit } = extractFixture(rel);
    const chunk = unit.items[0] as SqlChunk;
    expect(chunk.text).toBe('CREATE INDEX CONCURRENTLY customers_lower_email_index\n    ON customers (lower(email))');
    expect(chunk.exec).toMatchObject({ wrapped: false, oneQuery: true });
    // Each line maps to the file after the closing marker's indentation.
    for (const s of chunk.segments) expect(file.slice(s.fileStart, s.fileStart + s.length)).toBe(chunk.text.slice(s.chunkStart, s.chunkStart + s.length));
  });

  it('a $variable pasted into the SQL is reported, not linted', async () => {
    const text = `<?php
use Illuminate\\Database\\Migrations\\Migration;
use Illuminate\\Support\\Facades\\DB;

return new class extends Migration {
    public function up(): void
    {
        $t = DB::getTablePrefix() . 'pages';
        DB::statement("UPDATE {$t} SET revision_count = 0");
    }
};
`;
    const r = await lintText(text, { filename: fx(`${M}/2024_05_01_000000_prefix.php`) });
    expect(r.findings.map((f) => [f.ruleId, f.loc.line])).toEqual([['unsupported-framework-construct', 9]]);
  });

  it('findings land on the calls', async () => {
    expect(lined(await lintFixture(`${M}/2024_03_10_120000_add_status_index_to_orders_table.php`))).toEqual([
      [12, 'require-concurrent-index-creation'],
      [12, 'require-lock-timeout'],
    ]);
    expect(lined(await lintFixture(`${M}/2024_03_12_081000_add_lower_email_index_to_customers_table.php`))).toEqual([]);
  });

  it('adds $withinTransaction = false for CONCURRENTLY; the result parses as PHP and lints clean', async () => {
    const rel = `${M}/2024_03_12_080000_add_created_at_index_to_orders_table.php`;
    const rule = 'ban-concurrent-index-creation-in-transaction';
    const fixed = await tester.fix(rule, read(rel), { filename: fx(rel) });
    expect(fixed).toContain('{\n    public $withinTransaction = false;\n\n    public function up(): void');
    expect(firstError(parsePhp(fixed))).toBeNull();
    const again = await lintText(fixed, { filename: fx(rel) });
    expect(again.findings.map((f) => f.ruleId)).not.toContain(rule);
  });

  it('orders migrations by the date and time leading the name', () => {
    const names = [
      '2024_04_15_090000_rename_customers_name_column.php',
      '2024_03_01_090500_create_orders_table.php',
      '2024_03_01_090000_create_customers_table.php',
    ];
    const h = orderHistory(
      names.map((n) => ({ path: fx(`${M}/${n}`), text: read(`${M}/${n}`), framework: 'laravel' as const })),
      () => undefined,
    );
    expect(h.projects[0]!.files.map((f) => f.split('/').pop())).toEqual([names[2], names[1], names[0]]);
  });
});

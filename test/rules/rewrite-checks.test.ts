/**
 * An ALTER TABLE that rewrites the table checks its new NOT NULL and CHECK constraints while it copies the rows:
 * no scan of their own, so only the rewrite is reported (changing-column-type). The old type comes from the history.
 */
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-rewrite-checks-');

async function rulesOf(dir: string, file: string): Promise<string[]> {
  const { results } = await cliJson([dir, '--rule', 'require-lock-timeout:off'], dir);
  return results
    .find((r) => r.filePath.endsWith(file))!
    .messages.filter((m) => m.severity > 0)
    .map((m) => `${m.ruleId}@${m.line}`)
    .sort();
}

describe('checks done by a rewrite', () => {
  it('reports the rewrite, not a scan for SET NOT NULL or ADD CHECK in the same ALTER TABLE; a separate SET NOT NULL is still a scan', async () => {
    const dir = tempDir();
    write(
      dir,
      'db/migrations/20240101000000_create_orders.sql',
      '-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer, total integer);\n',
    );
    write(
      dir,
      'db/migrations/20240301000000_widen_orders.sql',
      '-- +goose Up\nALTER TABLE orders ALTER COLUMN customer_id TYPE bigint, ALTER COLUMN customer_id SET NOT NULL, ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n-- +goose StatementBegin\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;\n-- +goose StatementEnd\n',
    );
    expect(await rulesOf(dir, '20240301000000_widen_orders.sql')).toEqual(['adding-not-nullable-field@4', 'changing-column-type@2']);
  });

  it('a type change that keeps the data (same type, as Rails change_column writes it) rewrites nothing: SET NOT NULL in it scans', async () => {
    const dir = tempDir();
    write(
      dir,
      'db/migrations/20240101000000_create_orders.sql',
      '-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note varchar(40));\n',
    );
    write(
      dir,
      'db/migrations/20240301000000_require_customer.sql',
      '-- +goose Up\nALTER TABLE orders ALTER COLUMN customer_id TYPE bigint, ALTER COLUMN customer_id SET NOT NULL;\nALTER TABLE orders ALTER COLUMN note TYPE text, ADD COLUMN total bigint;\n',
    );
    // The second statement keeps the file (varchar → text) and adds a nullable column: no rewrite, so no hold note either.
    expect(await rulesOf(dir, '20240301000000_require_customer.sql')).toEqual(['adding-not-nullable-field@2']);
  });

  it('still reports the scan when the old type is unknown (the rewrite is only assumed)', async () => {
    const dir = tempDir();
    write(
      dir,
      'db/migrations/20240301000000_widen_orders.sql',
      '-- +goose Up\nALTER TABLE orders ALTER COLUMN customer_id TYPE bigint, ALTER COLUMN customer_id SET NOT NULL;\n',
    );
    expect(await rulesOf(dir, '20240301000000_widen_orders.sql')).toEqual(['adding-not-nullable-field@2', 'changing-column-type@2']);
  });
});

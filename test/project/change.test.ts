/**
 * "New in this change": a pull-request branch in a real git repository, linted with --changed-since. Tables
 * created by the branch's migrations are empty at deploy time, whichever file created them; tables from main are
 * not; old column types come from main's migrations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliJson, type JsonResult } from '../helpers/cli-json.js';
import { git, tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-change-');

function lint(cwd: string, ...args: string[]): Promise<{ code: number; results: JsonResult[] }> {
  return cliJson(args, cwd);
}

const byFile = (results: Awaited<ReturnType<typeof lint>>['results']) =>
  Object.fromEntries(results.map((r) => [r.filePath.replace(/.*db\/migrations\//, ''), r.messages.map((m) => `${m.ruleId}:${m.severity}`).sort()]));

let repo: string;
beforeAll(() => {
  repo = tempDir();
  git(repo, 'init', '-q', '-b', 'main');
  write(
    repo,
    'db/migrations/20240101000000_create_customers.sql',
    '-- +goose Up\nCREATE TABLE customers (id bigint PRIMARY KEY, email varchar(120) NOT NULL, score integer);\n',
  );
  write(repo, 'db/migrations/20240102000000_customer_notes.sql', '-- +goose Up\nALTER TABLE customers ADD COLUMN note varchar(40);\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'customers');
  git(repo, 'checkout', '-q', '-b', 'feature/invoices');
  write(
    repo,
    'db/migrations/20240201000000_create_invoices.sql',
    '-- +goose Up\nCREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint, total numeric(10,2));\n',
  );
  write(
    repo,
    'db/migrations/20240202000000_invoice_indexes.sql',
    '-- +goose Up\nCREATE INDEX invoices_customer_idx ON invoices (customer_id);\nALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\nALTER TABLE invoices ALTER COLUMN total TYPE numeric(14,2);\n',
  );
  write(
    repo,
    'db/migrations/20240203000000_customer_changes.sql',
    '-- +goose Up\nALTER TABLE customers ALTER COLUMN email TYPE varchar(255);\nALTER TABLE customers ALTER COLUMN note TYPE text;\nALTER TABLE customers ALTER COLUMN score TYPE bigint;\n',
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'invoices');
});

describe('the change being linted', () => {
  it('keeps quiet about indexes and foreign keys on a table created earlier in the same change, and judges old types from main', async () => {
    const { results } = await lint(repo, 'db/migrations', '--changed-since', 'main', '--rule', 'require-lock-timeout:off');
    expect(byFile(results)).toEqual({
      '20240201000000_create_invoices.sql': [],
      // invoices is new (created by the branch's previous migration): no blocking-index or FK-validation finding.
      '20240202000000_invoice_indexes.sql': [],
      // varchar(120) → varchar(255) and varchar(40) → text keep the file; integer → bigint rewrites. The rewrite has its
      // own finding, so holding ACCESS EXCLUSIVE through it is only a note; prefer-text-field is in the strict preset.
      '20240203000000_customer_changes.sql': ['changing-column-type:2', 'hold-access-exclusive-lock:0'],
    });
    const rewrite = results.find((r) => r.filePath.endsWith('20240203000000_customer_changes.sql'))!.messages.find((m) => m.ruleId === 'changing-column-type')!;
    expect(rewrite.message).toContain('ALTER COLUMN score TYPE bigint (was integer) on customers rewrites the table');
  });

  it('without git, a table created by another file is not new: the index and the foreign key are reported; the file named alone still meets its history', async () => {
    const { results } = await lint(repo, 'db/migrations/20240202000000_invoice_indexes.sql', '--rule', 'require-lock-timeout:off');
    // numeric(10,2) → numeric(14,2) is known from the file before it: no rewrite claimed.
    expect(byFile(results)).toEqual({ '20240202000000_invoice_indexes.sql': ['adding-foreign-key-constraint:2', 'require-concurrent-index-creation:2'] });
  });

  it('a new table filled in the change: its index stays silent, but its foreign key still locks the existing table and is reported', async () => {
    const work = tempDir();
    git(work, 'clone', '-q', repo, 'r');
    const r = `${work}/r`;
    git(r, 'checkout', '-q', 'feature/invoices');
    write(
      r,
      'db/migrations/20240201000000_create_invoices.sql',
      '-- +goose Up\nCREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint, total numeric(10,2));\nINSERT INTO invoices SELECT id, id, 0 FROM customers;\n',
    );
    const { results } = await lint(
      r,
      'db/migrations',
      '--changed-since',
      'origin/main',
      '--rule',
      'require-lock-timeout:off',
      '--rule',
      'ban-unbatched-backfill:off',
    );
    const found = results.find((x) => x.filePath.endsWith('20240202000000_invoice_indexes.sql'))!.messages;
    expect(found.map((m) => m.ruleId)).toEqual(['adding-foreign-key-constraint']);
    expect(found[0]!.message).toContain('customers');
  });
});

import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

const M = 'goose/db/migrations';

describe('goose', () => {
  it('lints the Up section: per-file transaction, StatementBegin … StatementEnd as one query', () => {
    const { unit } = extractFixture(`${M}/20240105101010_create_accounts.sql`);
    const wrapped = { wrapped: true, reason: 'goose runs each migration in a transaction' };
    expect(unit.items.map((i) => i.exec)).toEqual([
      { ...wrapped, oneQuery: false },
      { ...wrapped, oneQuery: true },
      { ...wrapped, oneQuery: false },
    ]);
    const texts = unit.items.map((i) => (i.kind === 'sql' ? i.text : ''));
    expect(texts[1]).toContain('CREATE OR REPLACE FUNCTION touch_updated_at()');
    expect(texts.join('')).not.toContain('DROP TABLE accounts');
  });

  it('a StatementBegin function body with semicolons parses as one statement; the file is clean', async () => {
    const r = await lintFixture(`${M}/20240105101010_create_accounts.sql`);
    // No parse error and no lock finding (type style is in the strict preset).
    expect(lined(r)).toEqual([]);
  });

  it("flags CONCURRENTLY in goose's transaction and fixes it with -- +goose NO TRANSACTION", async () => {
    const rel = `${M}/20240212083000_accounts_email_index.sql`;
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([[2, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.message).toContain('and this one will: goose runs each migration in a transaction.');
    const text = read(rel);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel) })).toBe(`-- +goose NO TRANSACTION\n${text}`);
  });

  it('NO TRANSACTION with SET lock_timeout before CONCURRENTLY is fine (goose sends statements one by one)', async () => {
    const rel = `${M}/20240219140000_accounts_updated_index.sql`;
    expect(extractFixture(rel).unit.items[0]!.exec).toEqual({
      wrapped: false,
      reason: 'goose runs this migration without a transaction (-- +goose NO TRANSACTION)',
      oneQuery: false,
    });
    expect((await lintFixture(rel)).findings).toEqual([]);
  });

  it('a blocking CREATE INDEX next to other DDL: adding CONCURRENTLY + NO TRANSACTION is a suggestion', async () => {
    const rel = `${M}/20240301090000_accounts_status.sql`;
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([
      [2, 'hold-access-exclusive-lock'],
      [2, 'require-lock-timeout'],
      [3, 'require-concurrent-index-creation'],
    ]);
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.suggestions![0]!.description).toBe(
      'Add CONCURRENTLY and add -- +goose NO TRANSACTION (the other 1 statement(s) of this migration then run without a transaction too; or move this statement into its own migration)',
    );
    const text = read(rel);
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: fx(rel), fixTypes: ['suggestion'] })).toBe(
      `-- +goose NO TRANSACTION\n${text.replace('CREATE INDEX accounts_status_idx', 'CREATE INDEX CONCURRENTLY accounts_status_idx')}`,
    );
  });

  it('require-lock-timeout puts SET lock_timeout inside the Up section', async () => {
    const rel = `${M}/20240301090000_accounts_status.sql`;
    const text = read(rel);
    expect(await tester.fix('require-lock-timeout', text, { filename: fx(rel) })).toBe(
      text.replace('-- +goose Up\n', "-- +goose Up\nSET lock_timeout = '2s';\n"),
    );
  });

  it('CONCURRENTLY inside a StatementBegin block with other statements has no mechanical fix', async () => {
    const text =
      "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY accounts_x_idx ON accounts (email);\n-- +goose StatementEnd\n";
    const r = await lintText(text, { filename: fx(`${M}/20240401000000_block.sql`) });
    const f = only(r, 'ban-concurrent-index-creation-in-transaction')[0]!;
    expect(f.loc.line).toBe(5);
    expect(f.message).toContain('goose sends the StatementBegin … StatementEnd block as one query, so its 2 statements run as one implicit transaction');
    expect(f.fix).toBeUndefined();
    expect(f.help).toContain('take this statement out of the block');
  });

  it('the Down section is linted only with includeDown', async () => {
    const rel = `${M}/20240212083000_accounts_email_index.sql`;
    const r = await lintFixture(rel, { settings: { includeDown: true } });
    expect(lined(r)).toEqual([
      [2, 'ban-concurrent-index-creation-in-transaction'],
      [5, 'ban-concurrent-index-creation-in-transaction'],
    ]);
  });
});

describe('goose with CRLF line ends', () => {
  it("finds the sections and inserts NO TRANSACTION with the file's line end", async () => {
    const text =
      '-- +goose Up\r\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\r\n\r\n-- +goose Down\r\nDROP INDEX accounts_email_idx;\r\n';
    const filename = fx(`${M}/20240302000000_crlf.sql`);
    const r = await lintText(text, { filename });
    expect(lined(r)).toEqual([[2, 'ban-concurrent-index-creation-in-transaction']]);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename })).toBe(`-- +goose NO TRANSACTION\r\n${text}`);
  });
});

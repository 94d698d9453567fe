import { describe, expect, it } from 'vitest';
import { extractFixture, fx, lined, lintFixture, only, read } from './helpers.js';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();

const M = 'dbmate/db/migrations';

describe('dbmate', () => {
  it('the migrate:up section is one query in a transaction; the down section is left out', () => {
    const { unit } = extractFixture(`${M}/20240110120000_create_products.sql`);
    expect(unit.items.map((i) => i.exec)).toEqual([{ wrapped: true, reason: 'dbmate runs the migrate:up section in a transaction', oneQuery: true }]);
    expect(unit.items[0]!.kind === 'sql' && unit.items[0]!.text).not.toContain('drop table');
    expect(extractFixture(`${M}/20240110120000_create_products.sql`, { includeDown: true }).unit.items).toHaveLength(2);
  });

  it('a table created in the section is new: the file is clean', async () => {
    // No lock finding (type style is in the strict preset).
    expect(lined(await lintFixture(`${M}/20240110120000_create_products.sql`))).toEqual([]);
  });

  it('fixes a lone CONCURRENTLY with transaction:false on the section', async () => {
    const rel = `${M}/20240120090000_products_name_index.sql`;
    const r = await lintFixture(rel);
    expect(lined(r)).toEqual([[2, 'ban-concurrent-index-creation-in-transaction']]);
    expect(r.findings[0]!.message).toContain('dbmate runs the migrate:up section in a transaction');
    const text = read(rel);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename: fx(rel) })).toBe(
      text.replace('-- migrate:up\n', '-- migrate:up transaction:false\n'),
    );
  });

  it('transaction:false with one statement passes', async () => {
    expect((await lintFixture(`${M}/20240125090000_products_lower_sku_index.sql`)).findings).toEqual([]);
  });

  it('two CONCURRENTLY statements in one transaction:false section still fail: one query, one implicit transaction', async () => {
    const r = await lintFixture(`${M}/20240201100000_products_search_indexes.sql`);
    expect(lined(r)).toEqual([
      [2, 'ban-concurrent-index-creation-in-transaction'],
      [3, 'ban-concurrent-index-creation-in-transaction'],
    ]);
    for (const f of only(r, 'ban-concurrent-index-creation-in-transaction')) {
      expect(f.message).toContain('dbmate sends the migrate:up section as one query, so its 2 statements run as one implicit transaction');
      expect(f.fix).toBeUndefined();
      expect(f.help).toContain('even with transaction:false its 2 statements run as one implicit transaction');
    }
  });

  it('the down section is linted with includeDown', async () => {
    const r = await lintFixture(`${M}/20240201100000_products_search_indexes.sql`, { settings: { includeDown: true } });
    expect(lined(r).filter(([, id]) => id === 'require-lock-timeout')).toEqual([[6, 'require-lock-timeout']]);
  });
});

describe('dbmate with CRLF line ends', () => {
  it('finds the sections and fixes on the directive line', async () => {
    const text = '-- migrate:up\r\ncreate index concurrently products_name_idx on products (name);\r\n\r\n-- migrate:down\r\ndrop index products_name_idx;\r\n';
    const filename = fx('dbmate/db/migrations/20240301000000_crlf.sql');
    const { lintText } = await import('../../src/engine/lint-text.js');
    const r = await lintText(text, { filename });
    expect(lined(r)).toEqual([[2, 'ban-concurrent-index-creation-in-transaction']]);
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', text, { filename })).toBe(
      text.replace('-- migrate:up\r\n', '-- migrate:up transaction:false\r\n'),
    );
  });
});

describe('dbmate: require-concurrent-index-creation', () => {
  it('a lone blocking CREATE INDEX gets CONCURRENTLY and transaction:false together', async () => {
    const text = '-- migrate:up\ncreate index products_sku_name_idx on products (sku, name);\n\n-- migrate:down\ndrop index products_sku_name_idx;\n';
    const filename = fx('dbmate/db/migrations/20240305000000_products_sku_name.sql');
    expect(await tester.fix('require-concurrent-index-creation', text, { filename, largeTables: ['products'] })).toBe(
      '-- migrate:up transaction:false\ncreate index concurrently products_sku_name_idx on products (sku, name);\n\n-- migrate:down\ndrop index products_sku_name_idx;\n',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { diskFileSystem } from '../../src/disk.js';
import { lintText, loadParsers } from '../../src/engine/lint-text.js';
import { detectFramework, unrecognised } from '../../src/frameworks/index.js';
import { parseXmlChangelog, parseYamlChangelog } from '../../src/frameworks/liquibase/tree.js';
import { orderHistory } from '../../src/project/order.js';
import { escapeForLiteral } from '../../src/sources/escape.js';
import type { OperationItem, SqlChunk } from '../../src/types.js';
import { RuleTester } from '../helpers/rule-tester.js';
import { extractFixture, fx, lined, lintFixture, read } from './helpers.js';

const C = 'liquibase/src/main/resources/db/changelog';
const tester = new RuleTester();

/** The file text a chunk's verbatim segments point at, pasted together where the chunk is verbatim throughout. */
function fileTextOf(chunk: SqlChunk, file: string): string {
  return chunk.segments
    .map((s) => (s.verbatim ? file.slice(s.fileStart, s.fileStart + s.length) : chunk.text.slice(s.chunkStart, s.chunkStart + s.length)))
    .join('');
}

describe('Liquibase', () => {
  it('detects XML, YAML and formatted-SQL changelogs; other XML is not a migration', async () => {
    await loadParsers();
    const fs = diskFileSystem();
    for (const f of ['db.changelog-master.xml', 'changes/002-order-status.yaml', 'changes/003-order-indexes.sql', 'changes/004-invoices.xml']) {
      expect(detectFramework(fx(`${C}/${f}`), read(`${C}/${f}`), fs), f).toBe('liquibase');
    }
    expect(unrecognised('/srv/app/pom.xml', '<project><modelVersion>4.0.0</modelVersion></project>', fs)).toMatch(/not a Liquibase changelog/);
    expect(detectFramework('/srv/app/db/V1__init.sql', 'CREATE TABLE t (a int);', fs)).not.toBe('liquibase');
  });

  it('each changeSet is its own transaction; runInTransaction="false" opts one out', () => {
    const { unit } = extractFixture(`${C}/changes/004-invoices.xml`);
    expect(unit.items.map((i) => [i.kind, i.exec.wrapped, i.exec.transaction])).toEqual([
      ['operation', true, 'li.wei:004-invoices'],
      ['operation', true, 'li.wei:004-invoices-order-fk'],
      ['sql', true, 'li.wei:004-orders-customer-placed'],
      ['sql', false, undefined],
      ['operation', true, 'li.wei:004-orders-total-type'],
    ]);
    expect((unit.items[1] as OperationItem).sql).toBe(
      'ALTER TABLE invoices ADD CONSTRAINT fk_invoices_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE',
    );
    expect((unit.items[4] as OperationItem).sql).toBe('ALTER TABLE orders ALTER COLUMN total_cents TYPE BIGINT USING (total_cents::BIGINT)');
  });

  it('reads <sql> bodies at their exact place: CDATA as written, entities decoded and never a fix target', () => {
    const file = read(`${C}/changes/004-invoices.xml`);
    const cdata = extractFixture(`${C}/changes/004-invoices.xml`).unit.items[2] as SqlChunk;
    expect(cdata.text.trim()).toBe('CREATE INDEX CONCURRENTLY idx_orders_customer_placed ON orders (customer_id, placed_at DESC);');
    expect(cdata.segments.every((s) => s.verbatim)).toBe(true);
    expect(fileTextOf(cdata, file)).toBe(cdata.text);
    const seed = extractFixture(`${C}/changes/001-create-customers-and-orders.xml`).unit.items.find((i) => i.kind === 'sql') as SqlChunk;
    expect(seed.text).toContain("WHERE full_name <> ''");
    const entity = seed.segments.find((s) => !s.verbatim && seed.text.slice(s.chunkStart, s.chunkStart + s.length) === '<')!;
    expect(read(`${C}/changes/001-create-customers-and-orders.xml`).slice(entity.fileStart, entity.fileStart + entity.fileLength!)).toBe('&lt;');
  });

  it('reads YAML literal blocks line by line at their place, and formatted SQL by changeSet', () => {
    const file = read(`${C}/changes/005-customer-email.yaml`);
    const { unit } = extractFixture(`${C}/changes/005-customer-email.yaml`);
    const block = unit.items[1] as SqlChunk;
    expect(block.text).toBe('CREATE UNIQUE INDEX CONCURRENTLY uq_customers_email ON customers (lower(email));\n');
    expect(file.slice(block.segments[0]!.fileStart, block.segments[0]!.fileStart + block.segments[0]!.length)).toBe(block.text);
    // splitStatements: false: one statement (one implicit transaction), in a changeSet that opted out.
    expect(unit.items[2]!.exec).toMatchObject({ wrapped: false, oneQuery: true });
    const sql = extractFixture(`${C}/changes/003-order-indexes.sql`).unit;
    expect(sql.items.map((i) => [i.exec.wrapped, i.exec.transaction])).toEqual([
      [true, 'tomas:003-orders-placed-at'],
      [false, undefined],
      [true, 'tomas:003-orders-total-check'],
    ]);
  });

  it('findings land on the changelog lines', async () => {
    expect(lined(await lintFixture(`${C}/changes/004-invoices.xml`))).toEqual([
      // The new invoices table's foreign key waits for SHARE ROW EXCLUSIVE on the existing orders: the first wait.
      [20, 'require-lock-timeout'],
      [29, 'ban-concurrent-index-creation-in-transaction'],
      [38, 'changing-column-type'],
    ]);
    const sql = lined(await lintFixture(`${C}/changes/003-order-indexes.sql`));
    expect(sql).toContainEqual([5, 'ban-concurrent-index-creation-in-transaction']);
    expect(sql).not.toContainEqual([9, 'ban-concurrent-index-creation-in-transaction']);
  });

  it("a commit between changeSets: a backfill in the next changeSet does not hold the first one's lock", async () => {
    const two = (same: boolean) => `<?xml version="1.0"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
    <changeSet id="1" author="a">
        <addColumn tableName="orders"><column name="region" type="TEXT"/></addColumn>
${same ? '' : '    </changeSet>\n    <changeSet id="2" author="a">\n'}        <sql>UPDATE orders SET region = 'eu' WHERE region IS NULL</sql>
    </changeSet>
</databaseChangeLog>
`;
    const rules = async (t: string) => (await lintText(t, { filename: '/p/db/changelog/x.xml' })).findings.map((f) => f.ruleId);
    expect(await rules(two(true))).toContain('ban-unbatched-backfill');
    expect(await rules(two(false))).not.toContain('ban-unbatched-backfill');
  });

  it('fixes CONCURRENTLY in a transactional changeSet in each format, and the result parses and lints clean', async () => {
    const rule = 'ban-concurrent-index-creation-in-transaction';
    const xml = await tester.fix(rule, read(`${C}/changes/004-invoices.xml`), { filename: fx(`${C}/changes/004-invoices.xml`) });
    expect(xml).toContain('<changeSet runInTransaction="false" id="004-orders-customer-placed" author="li.wei">');
    expect(parseXmlChangelog(xml).error).toBeUndefined();
    const yaml = await tester.fix(rule, read(`${C}/changes/005-customer-email.yaml`), { filename: fx(`${C}/changes/005-customer-email.yaml`) });
    expect(yaml).toContain('  - changeSet:\n      runInTransaction: false\n      id: 005-customer-email-unique\n');
    expect(parseYamlChangelog(yaml).error).toBeUndefined();
    const sql = await tester.fix(rule, read(`${C}/changes/003-order-indexes.sql`), { filename: fx(`${C}/changes/003-order-indexes.sql`) });
    expect(sql).toContain('--changeset tomas:003-orders-placed-at runInTransaction:false\n');
    for (const [text, f] of [
      [xml, '004-invoices.xml'],
      [yaml, '005-customer-email.yaml'],
      [sql, '003-order-indexes.sql'],
    ] as const) {
      const again = await lintText(text, { filename: fx(`${C}/changes/${f}`) });
      expect(again.findings.map((x) => x.ruleId)).not.toContain(rule);
    }
  });

  it('writes fix text into XML and YAML exactly, or not at all', () => {
    expect(escapeForLiteral({ start: 0, end: 0, language: 'xml', quote: '' }, 'a < b && c', '', '')).toBe('a &lt; b &amp;&amp; c');
    expect(escapeForLiteral({ start: 0, end: 0, language: 'xml', quote: '<![CDATA[' }, 'x ]]> y', '', '')).toBeNull();
    expect(escapeForLiteral({ start: 0, end: 0, language: 'yaml', quote: '|', margin: '    ' }, 'SET a = 1;\n', '', '')).toBe('SET a = 1;\n    ');
    expect(escapeForLiteral({ start: 0, end: 0, language: 'yaml', quote: '"' }, 'say "x"', '', '')).toBeNull();
  });

  it('orders changelogs from the master: includes in turn', () => {
    const files = [
      'db.changelog-master.xml',
      'changes/005-customer-email.yaml',
      'changes/001-create-customers-and-orders.xml',
      'changes/004-invoices.xml',
      'changes/003-order-indexes.sql',
      'changes/002-order-status.yaml',
    ].map((f) => ({
      path: fx(`${C}/${f}`),
      text: read(`${C}/${f}`),
      framework: 'liquibase' as const,
    }));
    const h = orderHistory(files, () => undefined);
    expect(h.warnings).toEqual([]);
    expect(h.projects).toHaveLength(1);
    expect(h.projects[0]!.files.map((f) => f.split('/').pop())).toEqual([
      'db.changelog-master.xml',
      '001-create-customers-and-orders.xml',
      '002-order-status.yaml',
      '003-order-indexes.sql',
      '004-invoices.xml',
      '005-customer-email.yaml',
    ]);
  });
});

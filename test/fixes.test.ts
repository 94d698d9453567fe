import { describe, expect, it } from 'vitest';
import { analyzeUnit } from '../src/analysis/analyze.js';
import { Catalog } from '../src/catalog/catalog.js';
import { fixText } from '../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { psqlAdapter } from '../src/sources/psql.js';
import { loadParser } from '../src/sql/parse.js';
import { parseUnit } from '../src/sql/statements.js';
import { RuleTester } from './helpers/rule-tester.js';

/** Fixes `text` for one rule and proves the result (the rule tester): exact text, parses, clean for that rule. */
const tester = new RuleTester();

describe('fixText and a BOM', () => {
  it('lints without the BOM and writes it back, as --fix does', async () => {
    const text = '\ufeff-- Índice 🚀\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n';
    const outcome = await tester.fixOutcome('require-concurrent-index-creation', text, { tables: { orders: { partitioned: false } } });
    expect(outcome.applied).toBe(1);
    expect(outcome.text).toBe('\ufeff-- Índice 🚀\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n');
  });
});

describe('a comment at the end of a statement line stays with its statement', () => {
  it('moving a statement after the COMMIT takes its trailing comment along (CRLF kept)', async () => {
    const text = 'BEGIN;\r\nALTER TABLE orders ADD COLUMN note text;\r\nCREATE INDEX orders_note_idx ON orders (note); -- admin search\r\nCOMMIT;\r\n';
    const outcome = await tester.fixOutcome('require-concurrent-index-creation', text, { tables: { orders: { partitioned: false } } });
    expect(outcome.text).toBe(
      'BEGIN;\r\nALTER TABLE orders ADD COLUMN note text;\r\nCOMMIT;\r\n\r\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note); -- admin search\r\n',
    );
  });

  it('a statement moved after the COMMIT goes after the comment on the COMMIT line', async () => {
    const text = 'BEGIN;\nCREATE INDEX CONCURRENTLY events_user_idx ON events (user_id);\nCOMMIT; -- end of block\n';
    const outcome = await tester.fixOutcome('ban-concurrent-index-creation-in-transaction', text);
    expect(outcome.text).toBe('BEGIN;\nCOMMIT; -- end of block\n\nCREATE INDEX CONCURRENTLY events_user_idx ON events (user_id);\n');
  });

  it('VALIDATE CONSTRAINT goes after the comment that ends the ADD CONSTRAINT line', async () => {
    const text = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0); -- SHOP-1600\nSELECT 1;\n';
    const outcome = await tester.fixOutcome('constraint-missing-not-valid', text);
    expect(outcome.text).toBe(
      'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID; -- SHOP-1600\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nSELECT 1;\n',
    );
  });

  it('the appended COMMIT goes after a trailing comment, and a missing `;` is added where the statement ends', async () => {
    const outcome = await tester.fixOutcome('ban-uncommitted-transaction', "BEGIN;\nUPDATE orders SET note = '' -- backfill\n");
    expect(outcome.text).toBe("BEGIN;\nUPDATE orders SET note = ''; -- backfill\nCOMMIT;\n");
  });

  it('a missing `;` and the COMMIT inserted at the same offset come out in that order', async () => {
    const outcome = await tester.fixOutcome('ban-uncommitted-transaction', 'BEGIN;\nUPDATE a SET x = 1; UPDATE b SET y = 2\n');
    expect(outcome.text).toBe('BEGIN;\nUPDATE a SET x = 1; UPDATE b SET y = 2;\nCOMMIT;\n');
  });

  it('code after the `;` on the same line is not taken for a comment: it stays where it is', async () => {
    const text = 'BEGIN;\nCREATE INDEX CONCURRENTLY a_x_idx ON a (x); SELECT 1; -- check\nCOMMIT;\n';
    const outcome = await tester.fixOutcome('ban-concurrent-index-creation-in-transaction', text);
    expect(outcome.text).toBe('BEGIN;\n SELECT 1; -- check\nCOMMIT;\n\nCREATE INDEX CONCURRENTLY a_x_idx ON a (x);\n');
  });
});

describe('require-lock-timeout fix placement', () => {
  it('goes right before the first offender when an earlier RESET would undo a SET at the top, and converges', async () => {
    const text = "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN a int;\nRESET lock_timeout;\nALTER TABLE t ADD COLUMN b int;\n";
    const outcome = await tester.fixOutcome('require-lock-timeout', text);
    expect(outcome.applied).toBe(1);
    expect(outcome.text).toBe(
      "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN a int;\nRESET lock_timeout;\nSET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN b int;\n",
    );
  });

  it('a SET LOCAL before the offender does not undo a session SET: the top of the file is kept', async () => {
    const text = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nALTER TABLE t ADD COLUMN b int;\n";
    const outcome = await tester.fixOutcome('require-lock-timeout', text);
    expect(outcome.text).toBe(`SET lock_timeout = '2s';\n${text}`);
  });

  it('two resets: one SET per pass before each offender, to a fixed point', async () => {
    const text = 'ALTER TABLE t ADD COLUMN a int;\nDISCARD ALL;\nALTER TABLE t ADD COLUMN b int;\n';
    const outcome = await tester.fixOutcome('require-lock-timeout', text);
    expect(outcome.applied).toBe(2);
    expect(outcome.text).toBe(
      "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN a int;\nDISCARD ALL;\nSET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN b int;\n",
    );
  });
});

describe('analysis', () => {
  async function facts(sql: string) {
    await loadParser();
    const unit = psqlAdapter.extract({ path: 'm.sql', text: sql, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} });
    return analyzeUnit(unit, parseUnit(unit).statements, new Catalog(), DEFAULT_SETTINGS);
  }

  it('DISCARD ALL resets lock_timeout like RESET ALL', async () => {
    const f = await facts("SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN a int;\nDISCARD ALL;\nALTER TABLE t ADD COLUMN b int;\n");
    expect(f[1]!.facts.lockTimeout).toBe('2s');
    expect(f[3]!.facts.lockTimeout).toBeUndefined();
  });

  it('names the statement that opened the transaction as written', async () => {
    const f = await facts('START TRANSACTION;\nALTER TABLE t ADD COLUMN a int;\nEND;\nBEGIN;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;\n');
    expect(f[1]!.facts.inTransaction?.reason).toBe('the START TRANSACTION on line 1 opened a transaction');
    expect(f[4]!.facts.inTransaction?.reason).toBe('the BEGIN on line 4 opened a transaction');
  });
});

describe('keyword case', () => {
  it('adds CONCURRENTLY in the case the statement is written in', async () => {
    const lower = await fixText('create index orders_created_idx on orders (created_at);\n', {
      rules: ['require-concurrent-index-creation'],
      tables: { orders: { partitioned: false } },
    });
    expect(lower.text).toBe('create index concurrently orders_created_idx on orders (created_at);\n');
    const upper = await fixText('CREATE INDEX orders_created_idx ON orders (created_at);\n', {
      rules: ['require-concurrent-index-creation'],
      tables: { orders: { partitioned: false } },
    });
    expect(upper.text).toBe('CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n');
  });
});

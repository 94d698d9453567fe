import { describe, expect, it } from 'vitest';
import { ESLint as ESLint10, RuleTester as RuleTester10 } from 'eslint';
import { ESLint as ESLint9, RuleTester as RuleTester9 } from 'eslint-9';
import { ESLint as ESLint915, RuleTester as RuleTester915 } from 'eslint-9-15';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import plugin from '../../src/eslint/index.js';

const recommended = (plugin.configs as any).recommended as any[];
const rules = plugin.rules as Record<string, any>;

const VERSIONS = [
  ['eslint 10', ESLint10, RuleTester10],
  ['eslint 9 (latest)', ESLint9, RuleTester9],
  ['eslint 9.15', ESLint915, RuleTester915],
] as const;

describe.each(VERSIONS)('%s', (_name, ESLint, RuleTester) => {
  // RuleTester runs under vitest's describe/it.
  (RuleTester as any).describe = describe;
  (RuleTester as any).it = it;

  describe('RuleTester: SQL language', () => {
    const tester = new RuleTester({ plugins: { migralint: plugin }, language: 'migralint/sql' } as any);
    tester.run('require-concurrent-index-creation', rules['require-concurrent-index-creation'], {
      valid: [{ code: 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n', filename: 'db/20240101_x.sql' }],
      invalid: [
        {
          code: 'CREATE INDEX orders_created_idx ON orders (created_at);\n',
          filename: 'db/20240101_x.sql',
          // Whether orders is partitioned is unknown here, so CONCURRENTLY is a suggestion, not a fix.
          errors: [
            {
              message: 'CREATE INDEX on orders holds a SHARE lock for the whole build: INSERT, UPDATE and DELETE wait.',
              line: 1,
              column: 1,
              endLine: 1,
              endColumn: 55,
              suggestions: [
                {
                  desc: 'Add CONCURRENTLY (not applied by --fix: whether orders is partitioned is unknown, and CREATE INDEX CONCURRENTLY fails on a partitioned table; give --database-url, --stats or config `tables` (partitioned: false))',
                  output: 'CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);\n',
                },
              ],
            },
          ],
        },
      ],
    });
    tester.run('parse-error', rules['parse-error'], {
      valid: [{ code: 'SELECT 1;\n', filename: 'x.sql' }],
      invalid: [{ code: 'CREATE INDEX ON;\nSELECT 1;\n', filename: 'x.sql', errors: 1 }],
    });
  });

  describe("RuleTester: JS rules on ESLint's own AST", () => {
    const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs' } } as any);
    tester.run('ban-concurrent-index-creation-in-transaction', rules['ban-concurrent-index-creation-in-transaction'], {
      valid: [
        {
          code: "exports.up = async (knex) => {\n  await knex.raw('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\nexports.config = { transaction: false };\n",
          filename: 'migrations/20240101000000_x.js',
        },
      ],
      invalid: [
        {
          code: "exports.up = async (knex) => {\n  await knex.raw('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\n",
          filename: 'migrations/20240101000000_x.js',
          errors: [
            {
              message:
                'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this one will: knex migrate:latest runs the pending migrations in one transaction. The migration fails at deploy time.',
              line: 2,
              column: 19,
              endColumn: 55,
            },
          ],
          output: "exports.up = async (knex) => {\n  await knex.raw('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\n\nexports.config = { transaction: false };\n",
        },
      ],
    });
    tester.run('require-concurrent-index-creation', rules['require-concurrent-index-creation'], {
      valid: [],
      invalid: [
        {
          // Two statements: leaving the transaction is a suggestion, never an automatic fix.
          code: "exports.up = (pgm) => {\n  pgm.sql('UPDATE t SET c = 0');\n  pgm.createIndex('t', 'c');\n};\n",
          filename: 'migrations/1712345678901_x.js',
          errors: [
            {
              message: 'CREATE INDEX on t holds a SHARE lock for the whole build: INSERT, UPDATE and DELETE wait.',
              line: 3,
              suggestions: [
                {
                  desc: 'Add CONCURRENTLY and run this migration outside a transaction with pgm.noTransaction() (the other 1 statement(s) of this migration then run without a transaction too: consider moving this one to its own migration)',
                  output:
                    "exports.up = (pgm) => {\n  pgm.noTransaction();\n  pgm.sql('UPDATE t SET c = 0');\n  pgm.createIndex('t', 'c', { concurrently: true });\n};\n",
                },
              ],
            },
          ],
        },
      ],
    });
  });

  describe('ESLint class: configs, disable comments, fixes', () => {
    const make = (fix = false) => new ESLint({ overrideConfigFile: true, overrideConfig: recommended as any, fix });

    it('recommended covers .sql files and JS under migration folders only', async () => {
      const eslint = make();
      expect(await eslint.isPathIgnored('db/migrations/001.sql')).toBe(false);
      const sql = await eslint.lintText('CREATE INDEX i ON t (c);\n', { filePath: 'db/001_x.sql' });
      expect(sql[0]!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation', 'migralint/require-lock-timeout']);
      const js = "exports.up = (knex) => knex.raw('CREATE INDEX i ON t (c)');\n";
      expect((await eslint.lintText(js, { filePath: 'migrations/20240101000000_x.js' }))[0]!.messages.length).toBeGreaterThan(0);
      const elsewhere = await eslint.lintText(js, { filePath: 'src/app.js', warnIgnored: false });
      expect(elsewhere.flatMap((r) => r.messages)).toEqual([]);
    });

    it('-- eslint-disable-next-line and /* eslint … */ work in SQL', async () => {
      const eslint = make();
      const disabled = await eslint.lintText(
        '-- eslint-disable-next-line migralint/require-concurrent-index-creation -- empty in every environment\nCREATE INDEX i ON t (c);\n',
        { filePath: 'db/001_x.sql' },
      );
      expect(disabled[0]!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-lock-timeout']);
      const configured = await eslint.lintText('/* eslint migralint/require-lock-timeout: "off" */\nCREATE INDEX i ON t (c);\n', { filePath: 'db/001_x.sql' });
      expect(configured[0]!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation']);
      const whole = await eslint.lintText('/* eslint-disable */\nCREATE INDEX i ON t (c);\n', { filePath: 'db/001_x.sql' });
      expect(whole[0]!.messages).toEqual([]);
    });

    it('migralint-disable comments are honoured as in the CLI', async () => {
      const eslint = make();
      const r = await eslint.lintText('-- migralint-disable-next-line require-concurrent-index-creation, require-lock-timeout\nCREATE INDEX i ON t (c);\n', {
        filePath: 'db/001_x.sql',
      });
      expect(r[0]!.messages).toEqual([]);
    });

    it('size-aware severity as in the CLI: a finding on a large table is an error even where the rule is set to warn', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'migralint-eslint-size-'));
      try {
        writeFileSync(path.join(dir, 'migralint.config.json'), JSON.stringify({ tables: { orders: { rows: 48_000_000 }, tags: { rows: 200 } } }));
        const eslint = new ESLint({
          cwd: dir,
          overrideConfigFile: true,
          overrideConfig: [...recommended, { files: ['**/*.sql'], rules: { 'migralint/require-concurrent-index-creation': 'warn' } }] as any,
        });
        const sql = 'CREATE INDEX orders_at_idx ON orders (at);\nCREATE INDEX events_at_idx ON events (at);\nCREATE INDEX tags_name_idx ON tags (name);\n';
        const [r] = await eslint.lintText(sql, { filePath: path.join(dir, 'db/001_x.sql') });
        const index = r!.messages.filter((m) => m.ruleId === 'migralint/require-concurrent-index-creation').map((m) => [m.line, m.severity]);
        // orders is large: raised to an error; events' size is unknown: the configured warning; tags is small: silent.
        expect(index).toEqual([
          [1, 2],
          [2, 1],
        ]);
        // The same file linted again (the editor's case) gets the same severities.
        const [again] = await eslint.lintText(sql, { filePath: path.join(dir, 'db/001_x.sql') });
        expect(again!.messages.filter((m) => m.ruleId === 'migralint/require-concurrent-index-creation').map((m) => [m.line, m.severity])).toEqual([
          [1, 2],
          [2, 1],
        ]);
        // Switched off, the rule stays off: escalation never turns a rule on.
        const off = new ESLint({
          cwd: dir,
          overrideConfigFile: true,
          overrideConfig: [...recommended, { files: ['**/*.sql'], rules: { 'migralint/require-concurrent-index-creation': 'off' } }] as any,
        });
        const [quiet] = await off.lintText(sql, { filePath: path.join(dir, 'db/001_x.sql') });
        expect(quiet!.messages.some((m) => m.ruleId === 'migralint/require-concurrent-index-creation')).toBe(false);
        // Fixes pass through the processor: --fix still writes the lock_timeout.
        const fixing = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: recommended as any, fix: true });
        const [fixed] = await fixing.lintText(sql, { filePath: path.join(dir, 'db/001_x.sql') });
        expect(fixed!.output?.startsWith("SET lock_timeout = '2s';\n")).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('--fix applies the safe fixes, not suggestions', async () => {
      const eslint = make(true);
      const r = await eslint.lintText('BEGIN;\nCREATE INDEX i ON t (c);\nCOMMIT;\n', { filePath: 'db/001_x.sql' });
      // lock_timeout is safe; CONCURRENTLY on t, whose partitioning is unknown, is only a suggestion.
      expect(r[0]!.output).toBe("SET lock_timeout = '2s';\nBEGIN;\nCREATE INDEX i ON t (c);\nCOMMIT;\n");
    });
  });
});

/** The plugin in the configs users write: global languageOptions, @eslint/js and typescript-eslint beside it, Python migrations. */
import js from '@eslint/js';
import { ESLint } from 'eslint';
import { ESLint as ESLint915 } from 'eslint-9-15';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';

const recommended = (plugin.configs as { recommended: object[] }).recommended;

const ALEMBIC = [
  '"""index orders.created_at"""',
  'from alembic import op',
  '',
  'revision = "3f1a9c2b7d10"',
  'down_revision = "1b2c3d4e5f60"',
  '',
  '',
  'def upgrade():',
  '    op.create_index("ix_orders_created_at", "orders", ["created_at"])',
  '',
  '',
  'def downgrade():',
  '    op.drop_index("ix_orders_created_at", table_name="orders")',
  '',
].join('\n');

describe.each([
  ['eslint 10', ESLint],
  ['eslint 9.15', ESLint915],
] as const)('%s', (_name, Eslint) => {
  it('a global languageOptions block (globals, ecmaVersion) does not stop SQL files being linted', async () => {
    const eslint = new Eslint({
      overrideConfigFile: true,
      overrideConfig: [{ languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly' } } }, ...recommended] as never,
    });
    const [r] = await eslint.lintText('CREATE INDEX i ON t (c);\n', { filePath: 'db/migrations/001_x.sql' });
    expect(r!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation', 'migralint/require-lock-timeout']);
  });

  it("Alembic migrations are linted in ESLint, with the CLI's positions", async () => {
    const eslint = new Eslint({ overrideConfigFile: true, overrideConfig: recommended as never });
    const [r] = await eslint.lintText(ALEMBIC, { filePath: 'alembic/versions/3f1a9c2b7d10_index_orders_created.py' });
    expect(r!.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([
      ['migralint/require-concurrent-index-creation', 9, 5],
      ['migralint/require-lock-timeout', 9, 5],
    ]);
    const init = await eslint.lintText('', { filePath: 'app/migrations/__init__.py', warnIgnored: false });
    expect(init.flatMap((x) => x.messages)).toEqual([]);
  });
});

describe('next to the usual JS and TS configs', () => {
  it('@eslint/js recommended, unscoped, in the same config: SQL, JS and Python all lint', async () => {
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [js.configs.recommended, ...recommended] as never });
    const [sql] = await eslint.lintText('CREATE INDEX i ON t (c);\n', { filePath: 'db/migrations/001_x.sql' });
    expect(sql!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation', 'migralint/require-lock-timeout']);
    const [ts] = await eslint.lintText("exports.up = async (knex) => {\n  await knex.raw('CREATE INDEX i ON t (c)');\n};\nconst unused = 1;\n", {
      filePath: 'migrations/20240101000000_x.js',
    });
    expect(ts!.messages.map((m) => m.ruleId)).toEqual(expect.arrayContaining(['migralint/require-concurrent-index-creation', 'no-unused-vars']));
    const [py] = await eslint.lintText(ALEMBIC, { filePath: 'alembic/versions/3f1a9c2b7d10_index_orders_created.py' });
    expect(py!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation', 'migralint/require-lock-timeout']);
  });

  it('typescript-eslint recommended, unscoped, in the same config: SQL and Python lint, TypeScript migrations get both', async () => {
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [...tseslint.configs.recommended, ...recommended] as never });
    const [sql] = await eslint.lintText('CREATE INDEX i ON t (c);\n', { filePath: 'db/migrations/001_x.sql' });
    expect(sql!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation', 'migralint/require-lock-timeout']);
    const [py] = await eslint.lintText(ALEMBIC, { filePath: 'alembic/versions/3f1a9c2b7d10_index_orders_created.py' });
    expect(py!.messages.map((m) => m.ruleId)).toEqual(['migralint/require-concurrent-index-creation', 'migralint/require-lock-timeout']);
    const knexTs =
      "import type { Knex } from 'knex';\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.raw('CREATE INDEX i ON t (c)');\n}\n\nconst unused: any = 1;\n";
    const [ts] = await eslint.lintText(knexTs, { filePath: 'migrations/20240101000000_x.ts' });
    expect(ts!.messages.map((m) => m.ruleId)).toEqual(
      expect.arrayContaining(['migralint/require-concurrent-index-creation', '@typescript-eslint/no-unused-vars', '@typescript-eslint/no-explicit-any']),
    );
  });
});

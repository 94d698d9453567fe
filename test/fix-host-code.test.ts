// Issue 11, "Edits are made in the host language's terms": fixes inside JS/TS and Python string literals are
// escaped for the literal they land in, through the CLI's --fix and through `eslint --fix`; the written file
// parses (oxc-parser / tree-sitter) and its literal's value is the SQL intended.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin from '../src/eslint/index.js';
import { parseJs } from '../src/sources/js/extract.js';
import { walk, type Node } from '../src/sources/js/estree.js';
import { hasError, loadPython, parsePython } from '../src/sources/python/tree.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'migralint.js');

/** The values of the string and template literals passed to calls, as the JS engine reads them. */
function jsSqlValues(text: string): string[] {
  const parsed = parseJs({ path: 'm.js', text, bom: false });
  expect(parsed.error, text).toBeUndefined();
  const out: string[] = [];
  walk(parsed.program!, (n: Node) => {
    if (n.type !== 'CallExpression') return;
    const a = n.arguments[0];
    if (a?.type === 'Literal' && typeof a.value === 'string') out.push(a.value);
    if (a?.type === 'TemplateLiteral') out.push(a.quasis.map((q: Node, k: number) => q.value.cooked + (k < a.quasis.length - 1 ? '${…}' : '')).join(''));
  });
  return out;
}

interface Case {
  name: string;
  file: string;
  text: string;
  /** The file --fix writes (exact: escapes included). */
  fixed: string;
  /** What the host language reads from the SQL literals of the fixed file. */
  sql?: string[];
}

const CASES: Case[] = [
  {
    name: "knex.raw('…'): lock_timeout's quotes are escaped inside the single-quoted string",
    file: 'migrations/20240101093000_orders_note.js',
    text: "exports.up = async function (knex) {\n  await knex.raw('ALTER TABLE orders ADD COLUMN note text');\n};\nexports.down = async function () {};\n",
    fixed:
      "exports.up = async function (knex) {\n  await knex.raw('SET lock_timeout = \\'2s\\';\\nALTER TABLE orders ADD COLUMN note text');\n};\nexports.down = async function () {};\n",
    sql: ["SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text"],
  },
  {
    name: 'knex.raw("…") holding an escaped line break and quotes: the new line is written as \\n',
    file: 'migrations/20240101093000_orders_note.js',
    text: "exports.up = async function (knex) {\n  await knex.raw(\"ALTER TABLE orders ADD COLUMN note text DEFAULT 'it''s';\\nCOMMENT ON COLUMN orders.note IS 'a \\\"note\\\"'\");\n};\nexports.down = async function () {};\n",
    fixed:
      "exports.up = async function (knex) {\n  await knex.raw(\"SET lock_timeout = '2s';\\nALTER TABLE orders ADD COLUMN note text DEFAULT 'it''s';\\nCOMMENT ON COLUMN orders.note IS 'a \\\"note\\\"'\");\n};\nexports.down = async function () {};\n",
    sql: ["SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text DEFAULT 'it''s';\nCOMMENT ON COLUMN orders.note IS 'a \"note\"'"],
  },
  {
    name: 'Sequelize template literal with ${table}: placeholders kept as written, a backslash in the SQL kept escaped',
    file: 'server/migrations/20240301120000-orders-note.js',
    text: "const table = 'orders';\n\nmodule.exports = {\n  up: async (queryInterface) => {\n    await queryInterface.sequelize.query(`ALTER TABLE \"${table}\" ADD COLUMN note text DEFAULT E'\\\\\\\\'`);\n  },\n  down: async () => {},\n};\n",
    fixed:
      "const table = 'orders';\n\nmodule.exports = {\n  up: async (queryInterface) => {\n    await queryInterface.sequelize.query(`SET lock_timeout = '2s';\nALTER TABLE \"${table}\" ADD COLUMN note text DEFAULT E'\\\\\\\\'`);\n  },\n  down: async () => {},\n};\n",
    sql: ["SET lock_timeout = '2s';\nALTER TABLE \"${…}\" ADD COLUMN note text DEFAULT E'\\\\'"],
  },
];

const PY_CASE: Case = {
  name: "Django RunSQL in a one-line '…' string: NOT VALID lands inside it (suggestion), the quotes around it stay escaped",
  file: 'shop/migrations/0007_order_customer_fk.py',
  text: "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0006_customer')]\n\n    operations = [\n        migrations.RunSQL('ALTER TABLE shop_order ADD CONSTRAINT shop_order_customer_fk FOREIGN KEY (customer_id) REFERENCES shop_customer (id) -- it\\'s the \\\\ one\\n'),\n    ]\n",
  fixed: '',
};

function runFix(c: Case, extra: string[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-host-'));
  const file = path.join(dir, c.file);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, c.text);
  const r = spawnSync(process.execPath, [bin, '--fix', c.file, ...extra], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
  });
  expect(r.stderr, r.stderr).not.toMatch(/would not parse|Error:/);
  return readFileSync(file, 'utf8');
}

describe('--fix (CLI) writes escaped, parseable host code', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const out = runFix(c);
      expect(out).toBe(c.fixed);
      expect(jsSqlValues(out)).toEqual(c.sql);
    });
  }
});

describe('eslint --fix writes escaped, parseable host code', () => {
  const recommended = (plugin.configs as any).recommended as any[];
  for (const c of CASES) {
    it(c.name, async () => {
      const eslint = new ESLint({
        cwd: mkdtempSync(path.join(os.tmpdir(), 'migralint-eslint-')),
        overrideConfigFile: true,
        overrideConfig: recommended as any,
        fix: true,
      });
      const [r] = await eslint.lintText(c.text, { filePath: c.file });
      expect(r!.output).toBe(c.fixed);
      expect(jsSqlValues(r!.output!)).toEqual(c.sql);
    });
  }
});

describe('Python: a suggestion inside a string literal is escaped for it', () => {
  beforeAll(async () => {
    await loadPython();
  });
  it(PY_CASE.name, () => {
    const out = runFix(PY_CASE, ['--fix-type', 'fix', '--fix-type', 'suggestion']);
    expect(hasError(parsePython(out)), out).toBe(false);
    expect(out).toContain("REFERENCES shop_customer (id) NOT VALID -- it\\'s the \\\\ one\\n'");
  });
});

describe('placeholders masked for parsing are restored, never replaced', () => {
  it('Flyway ${schema}: the VALIDATE is never written with the masked stand-in for the placeholder', async () => {
    const { fixText } = await import('../src/engine/lint-text.js');
    const text = 'ALTER TABLE ${schema}.orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES ${schema}.customers (id);\n';
    for (const types of [['fix'], ['fix', 'suggestion']] as const) {
      const fixed = await fixText(text, { filename: 'src/main/resources/db/migration/V2__orders_customer_fk.sql', types: [...types] });
      expect(fixed.text).not.toMatch(/_{3,}/);
      expect(fixed.text).toContain('${schema}.orders');
      if (types.length === 2) expect(fixed.text).toContain('REFERENCES ${schema}.customers (id) NOT VALID;');
    }
  });

  it('a psql :variable: the VALIDATE is not written with the variable read as a bare name', async () => {
    const { fixText } = await import('../src/engine/lint-text.js');
    const text =
      '\\set ON_ERROR_STOP on\nALTER TABLE :schema.orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES :schema.customers (id);\n';
    const fixed = await fixText(text, { filename: 'deploy/orders_customer_fk.sql', types: ['fix', 'suggestion'] });
    expect(fixed.text).not.toMatch(/ALTER TABLE schema\./);
    expect(fixed.text).toContain('REFERENCES :schema.customers (id) NOT VALID;');
  });
});

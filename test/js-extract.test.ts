import { describe, expect, it } from 'vitest';
import { lintText } from '../src/engine/lint-text.js';
import type { FileResult } from '../src/types.js';
import { RuleTester } from './helpers/rule-tester.js';

const KNEX = 'migrations/20240312093015_add_index.js';
const ids = (r: FileResult) => r.findings.map((f) => `${f.ruleId}@${f.loc.line}:${f.loc.column}`);
const only = (r: FileResult, id: string) => r.findings.filter((f) => f.ruleId === id);

/** Fixes are proven: the fixed file is still valid JS/TS, the SQL parses, the rule is clean after. */
// The tables these migrations index are known not to be partitioned (CONCURRENTLY is a safe fix only then).
const TABLES = { orders: { partitioned: false }, '"Users"': { partitioned: false }, post: { partitioned: false } };

const tester = new RuleTester({ tables: TABLES });

describe('SQL in JS literals: exact positions', () => {
  it('through escapes in a string literal', async () => {
    const text = "exports.up = (knex) => knex.raw('SELECT \\'a\\u00e9\\';\\nCREATE INDEX i ON t (c)');\n";
    const r = await lintText(text, { filename: KNEX });
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(text.slice(f.span.start, f.span.end)).toBe('CREATE INDEX i ON t (c)');
    expect(f.loc).toMatchObject({ line: 1, column: text.indexOf('CREATE') + 1 });
  });

  it('through CRLF line ends in a multi-line template', async () => {
    const text =
      'exports.up = async (knex) => {\r\n  await knex.raw(`\r\n    SELECT 1;\r\n    CREATE INDEX orders_created_idx\r\n      ON orders (created_at)\r\n  `);\r\n};\r\n';
    const r = await lintText(text, { filename: KNEX });
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.loc).toMatchObject({ line: 4, column: 5, endLine: 5, endColumn: 29 });
    expect(text.slice(f.span.start, f.span.end)).toBe('CREATE INDEX orders_created_idx\r\n      ON orders (created_at)');
  });

  it('${…} becomes a placeholder and positions after it stay exact', async () => {
    const text =
      'export async function up(knex) {\n  const days = 30;\n  await knex.raw(`DELETE FROM sessions WHERE age > ${days}; CREATE INDEX s_idx ON sessions (age)`);\n}\n';
    const r = await lintText(text, { filename: KNEX });
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(text.slice(f.span.start, f.span.end)).toBe('CREATE INDEX s_idx ON sessions (age)');
    expect(r.findings.filter((x) => x.ruleId === 'parse-error' || x.ruleId === 'unsupported-framework-construct')).toEqual([]);
  });

  it('a ${…} where SQL needs a name is unsupported-framework-construct, not a crash', async () => {
    const text =
      "import { sql } from 'kysely';\nexport async function up(db) {\n  await sql`CREATE INDEX ${sql.raw(name)} ON pets (owner_id)`.execute(db);\n}\n";
    const r = await lintText(text, { filename: 'src/migrations/2024_01_01_x.ts' });
    expect(ids(r)).toEqual(['unsupported-framework-construct@3:9']);
    expect(r.findings[0]!.severity).toBe('info');
  });

  it('concatenation with a non-literal is reported once; literal concatenation is read', async () => {
    const text =
      "exports.up = async (knex) => {\n  await knex.raw('CREATE INDEX idx ON ' + table + ' (c)');\n  await knex.raw('CREATE INDEX a_idx ' +\n    'ON a (c)');\n};\n";
    const r = await lintText(text, { filename: KNEX });
    expect(only(r, 'unsupported-framework-construct').map((f) => f.loc.line)).toEqual([2]);
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.loc).toMatchObject({ line: 3, endLine: 4 });
  });

  it('knex.raw used as a value (defaultTo) is not a statement', async () => {
    const text = "exports.up = (knex) => knex.schema.alterTable('t', (table) => {\n  table.timestamp('at').defaultTo(knex.raw('now()'));\n});\n";
    const r = await lintText(text, { filename: KNEX });
    // One statement, the column's ADD COLUMN with its default; `now()` is not sent on its own.
    expect(r.statements?.map((s) => s.head)).toEqual(['ALTER TABLE']);
    expect(r.findings.map((f) => `${f.ruleId}@${f.loc.line}`)).toEqual(['require-lock-timeout@2']);
  });

  it('a JS file that does not parse is one parse-error', async () => {
    const r = await lintText('exports.up = async (knex) => {\n  await knex.raw(`CREATE INDEX i ON t (c)`;\n};\n', { filename: KNEX });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['parse-error']);
  });

  it('down() is not linted', async () => {
    const r = await lintText("exports.up = async () => {};\nexports.down = async (knex) => {\n  await knex.raw('DROP INDEX orders_idx');\n};\n", {
      filename: KNEX,
    });
    expect(r.findings).toEqual([]);
  });
});

describe('transaction models', () => {
  const cic = (call: string) => `exports.up = async (knex) => {\n  await ${call}('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\n`;
  it('Knex wraps unless the file exports config = { transaction: false }', async () => {
    expect(ids(await lintText(cic('knex.raw'), { filename: KNEX }))).toContain('ban-concurrent-index-creation-in-transaction@2:19');
    expect(ids(await lintText(cic('knex.raw') + 'exports.config = { transaction: false };\n', { filename: KNEX }))).not.toContain(
      'ban-concurrent-index-creation-in-transaction@2:19',
    );
    expect(ids(await lintText(cic('knex.raw'), { filename: KNEX, settings: { frameworkOptions: { knex: { disableTransactions: true } } } }))).not.toContain(
      'ban-concurrent-index-creation-in-transaction@2:19',
    );
  });

  const typeorm = (field: string) =>
    `import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class AddIdx1712345678901 implements MigrationInterface {\n${field}    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(\`CREATE INDEX CONCURRENTLY "IDX_a" ON "post" ("a")\`);\n    }\n}\n`;
  const TYPEORM = 'src/migrations/1712345678901-AddIdx.ts';
  it('TypeORM: "all" wraps even with transaction = false (and warns); "each" honours it; "none" never wraps', async () => {
    const all = await lintText(typeorm('    transaction = false;\n\n'), { filename: TYPEORM });
    expect(all.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['framework-config', 'ban-concurrent-index-creation-in-transaction']));
    const each = { frameworkOptions: { typeorm: { migrationsTransactionMode: 'each' } } };
    expect((await lintText(typeorm('    transaction = false;\n\n'), { filename: TYPEORM, settings: each })).findings).toEqual([]);
    expect(only(await lintText(typeorm(''), { filename: TYPEORM, settings: each }), 'ban-concurrent-index-creation-in-transaction')).toHaveLength(1);
    expect(
      (await lintText(typeorm(''), { filename: TYPEORM, settings: { frameworkOptions: { typeorm: { migrationsTransactionMode: 'none' } } } })).findings,
    ).toEqual([]);
  });

  it('node-pg-migrate wraps unless pgm.noTransaction(); Sequelize never; Kysely all in one; db-migrate per file', async () => {
    const PGM = 'migrations/1712345678901_x.js';
    expect(
      only(
        await lintText("exports.up = (pgm) => {\n  pgm.sql('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\n", { filename: PGM }),
        'ban-concurrent-index-creation-in-transaction',
      ),
    ).toHaveLength(1);
    expect(
      (
        await lintText("exports.up = (pgm) => {\n  pgm.noTransaction();\n  pgm.sql('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\n", { filename: PGM })
      ).findings.map((f) => f.ruleId),
    ).not.toContain('ban-concurrent-index-creation-in-transaction');
    expect(
      (
        await lintText(
          "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('CREATE INDEX CONCURRENTLY i ON t (c)');\n  },\n};\n",
          { filename: 'migrations/20240101-x.js' },
        )
      ).findings.map((f) => f.ruleId),
    ).not.toContain('ban-concurrent-index-creation-in-transaction');
    const ky = await lintText(
      "import { Kysely, sql } from 'kysely';\nexport async function up(db: Kysely<any>) {\n  await sql`CREATE INDEX CONCURRENTLY i ON t (c)`.execute(db);\n}\n",
      { filename: 'src/migrations/x.ts' },
    );
    expect(only(ky, 'ban-concurrent-index-creation-in-transaction')[0]!.message).toContain("Kysely's Migrator");
    const dbm = await lintText("exports.up = function (db) {\n  return db.runSql('CREATE INDEX CONCURRENTLY i ON t (c)');\n};\n", {
      filename: 'migrations/20240101-x.js',
    });
    expect(only(dbm, 'ban-concurrent-index-creation-in-transaction')[0]!.message).toContain('db-migrate');
  });
});

describe("fixes in the framework's terms", () => {
  it('Knex CJS: CONCURRENTLY + exports.config = { transaction: false }', async () => {
    const text =
      "exports.up = async function (knex) {\n  await knex.raw('CREATE INDEX orders_created_idx ON orders (created_at)');\n};\n\nexports.down = async function (knex) {\n  await knex.raw('DROP INDEX orders_created_idx');\n};\n";
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: KNEX })).toBe(
      "exports.up = async function (knex) {\n  await knex.raw('CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at)');\n};\n\nexports.down = async function (knex) {\n  await knex.raw('DROP INDEX orders_created_idx');\n};\n\nexports.config = { transaction: false };\n",
    );
  });

  it('Knex ESM/TS: export const config, and an existing config is edited in place', async () => {
    const ts =
      "import type { Knex } from 'knex';\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.raw(`CREATE INDEX CONCURRENTLY users_email_idx ON users (email)`);\n}\n";
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', ts, { filename: 'migrations/20240101000000_x.ts' })).toBe(
      ts + '\nexport const config = { transaction: false };\n',
    );
    const withConfig = "exports.config = { transaction: true };\nexports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY i ON t (c)');\n";
    expect(await tester.fix('ban-concurrent-index-creation-in-transaction', withConfig, { filename: KNEX })).toBe(
      "exports.config = { transaction: false };\nexports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY i ON t (c)');\n",
    );
  });

  it('node-pg-migrate: concurrently option + pgm.noTransaction() (a suggestion when other statements lose their transaction)', async () => {
    const text = "exports.up = (pgm) => {\n  pgm.createIndex('orders', ['status'], {\n    name: 'orders_status_index',\n  });\n};\n";
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: 'migrations/1712345678901_x.js' })).toBe(
      "exports.up = (pgm) => {\n  pgm.noTransaction();\n  pgm.createIndex('orders', ['status'], {\n    name: 'orders_status_index',\n    concurrently: true,\n  });\n};\n",
    );
    const two = "exports.up = (pgm) => {\n  pgm.sql('UPDATE orders SET status = 1');\n  pgm.createIndex('orders', 'status');\n};\n";
    const r = await lintText(two, { filename: 'migrations/1712345678901_x.js' });
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.suggestions?.[0]?.description).toContain('other 1 statement(s)');
  });

  it('Sequelize: { concurrently: true } added to addIndex', async () => {
    const text = "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.addIndex('Users', ['email']);\n  },\n};\n";
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: 'migrations/20240101-x.js' })).toBe(
      "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.addIndex('Users', ['email'], { concurrently: true });\n  },\n};\n",
    );
  });

  it('TypeORM under "each": isConcurrent: true + transaction = false on the class', async () => {
    const settings = { frameworkOptions: { typeorm: { migrationsTransactionMode: 'each' } } };
    const text =
      'import { MigrationInterface, QueryRunner, TableIndex } from "typeorm";\n\nexport class AddIdx1712345678901 implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.createIndex("post", new TableIndex({ name: "IDX_post_a", columnNames: ["a"] }));\n    }\n}\n';
    expect(await tester.fix('require-concurrent-index-creation', text, { filename: 'src/migrations/1712345678901-AddIdx.ts', settings })).toBe(
      'import { MigrationInterface, QueryRunner, TableIndex } from "typeorm";\n\nexport class AddIdx1712345678901 implements MigrationInterface {\n    transaction = false;\n\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.createIndex("post", new TableIndex({ name: "IDX_post_a", columnNames: ["a"], isConcurrent: true }));\n    }\n}\n',
    );
  });

  it('TypeORM under "all" and Kysely: no fix, the manual procedure', async () => {
    const r = await lintText(
      'import { MigrationInterface, QueryRunner } from "typeorm";\nexport class A1712345678901 implements MigrationInterface {\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.query(`CREATE INDEX i ON t (c)`);\n  }\n}\n',
      { filename: 'src/migrations/1712345678901-A.ts' },
    );
    const f = only(r, 'require-concurrent-index-creation')[0]!;
    expect(f.fix).toBeUndefined();
    expect(f.suggestions ?? []).toEqual([]);
    expect(f.help).toContain('migrationsTransactionMode');
  });

  it("a loop over a constant list is read once per value; '${value}' inside an SQL string literal is a value", async () => {
    const SEQ = 'migrations/20191118023010-cascade-delete.js';
    const text = [
      'const tableName = "revisions";',
      'const constraintNames = ["revisions_documentId_fkey", "documentId_foreign_idx"];',
      'module.exports = {',
      '  up: async (queryInterface) => {',
      '    for (const constraintName of constraintNames) {',
      '      await queryInterface.sequelize.query(`alter table "${tableName}" drop constraint "${constraintName}"`);',
      '      await queryInterface.sequelize.query(`alter table "${tableName}" add constraint "${constraintName}" foreign key ("documentId") references "documents" ("id") on delete cascade`);',
      '    }',
      '    const [teams] = await queryInterface.sequelize.query(`SELECT id FROM teams`);',
      '    for (const team of teams) await queryInterface.sequelize.query(`update users set "isAdmin" = true where "teamId" = \'${team.id}\'`);',
      '    for (const team of teams) await queryInterface.sequelize.query(`update ${team.table} set x = 1`);',
      '  },',
      '};',
    ].join('\n');
    const r = await lintText(text, { filename: SEQ });
    // Each constraint name of the loop: two statements each; the SELECT; the update with a quoted value.
    expect(r.coverage).toEqual({ statements: 6, unreadable: 1 });
    expect(only(r, 'adding-foreign-key-constraint').map((f) => f.message.match(/foreign key (\S+ on \S+)/)?.[1])).toEqual([
      'revisions_documentId_fkey on revisions',
      'documentId_foreign_idx on revisions',
    ]);
    expect(only(r, 'unsupported-framework-construct').map((f) => f.loc.line)).toEqual([11]);
  });

  it('a loop that tries each value until one succeeds (try { …; return; } catch) runs its statements once: read for the first value', async () => {
    // Outline's server/migrations/20191118023010-cascade-delete.js: the constraint may have either name.
    const text = [
      'const tableName = "revisions";',
      'const constraintNames = ["revisions_documentId_fkey", "documentId_foreign_idx"];',
      'module.exports = {',
      '  up: async (queryInterface, Sequelize) => {',
      '    let error;',
      '    for (const constraintName of constraintNames) {',
      '      try {',
      '        await queryInterface.sequelize.query(`alter table "${tableName}" drop constraint "${constraintName}"`);',
      '        await queryInterface.sequelize.query(`alter table "${tableName}"',
      '            add constraint "${constraintName}" foreign key("documentId") references "documents" ("id")',
      '            on delete cascade`);',
      '        return;',
      '      } catch (err) {',
      '        error = err;',
      '      }',
      '    }',
      '    throw error;',
      '  },',
      '};',
    ].join('\n');
    const r = await lintText(text, { filename: 'migrations/20191118023010-cascade-delete.js' });
    expect(r.coverage).toEqual({ statements: 2, unreadable: 0 });
    expect(only(r, 'adding-foreign-key-constraint').map((f) => f.message.match(/foreign key (\S+ on \S+)/)?.[1])).toEqual([
      'revisions_documentId_fkey on revisions',
    ]);
    // Without the return every value runs: both names, as in the test above.
    const both = await lintText(text.replace('        return;\n', ''), { filename: 'migrations/20191118023010-cascade-delete.js' });
    expect(only(both, 'adding-foreign-key-constraint')).toHaveLength(2);
  });
});

/**
 * Alembic's `op.alter_column(…, existing_type=…, existing_nullable=…)` states the column's definition before the
 * call (autogenerate writes it from the database it compared against). Where the schema model does not know the
 * column (a table from before the history, as in Redash's 7205816877ec), the analysis takes it, so a type change
 * is judged on the real old type instead of "unknown", and a no-op NULL change is known as one.
 */
import { parseSync } from 'libpg-query';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../../src/engine/lint-text.js';
import { columnType } from '../../src/project/replay.js';
import { modelType } from '../../src/sources/python/alembic.js';
import type { FileResult } from '../../src/types.js';
import { cliJson } from '../helpers/cli-json.js';
import { tempDirs, write } from '../helpers/repo.js';

beforeAll(loadParsers);

const tempDir = tempDirs('migralint-alembic-existing-');

const revision = (rev: string, down: string, body: string) => `"""change columns

Revision ID: ${rev}
Revises: ${down}
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSON, JSONB

revision = '${rev}'
down_revision = ${down === 'None' ? 'None' : `'${down}'`}
branch_labels = None
depends_on = None


def upgrade():
${body}
`;

const FILE = 'migrations/versions/7205816877ec_change_type_of_json_fields.py';
const lint = (body: string): Promise<FileResult> => lintText(revision('7205816877ec', '7ce5925f832b', body), { filename: FILE });
const findings = (r: FileResult, rule: string) => r.findings.filter((f) => f.ruleId === rule).map((f) => `${f.severity} ${f.message.split(':')[0]}`);

describe('Alembic existing_type= / existing_nullable= as the column before the call', () => {
  it('text → jsonb with existing_type=sa.Text() is a known rewrite (was text), at error', async () => {
    const r = await lint(
      "    op.alter_column('queries', 'options',\n        existing_type=sa.Text(),\n        type_=JSONB(astext_type=sa.Text()),\n        postgresql_using='options::jsonb',\n        )",
    );
    expect(findings(r, 'changing-column-type')).toEqual([
      'error ALTER COLUMN options TYPE jsonb (was text) on queries rewrites the table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock',
    ]);
  });

  it('json → jsonb with existing_type=JSON(…) is a known rewrite', async () => {
    const r = await lint(
      "    op.alter_column('changes', 'change', existing_type=JSON(astext_type=sa.Text()), type_=JSONB(astext_type=sa.Text()), postgresql_using='change::jsonb')",
    );
    expect(findings(r, 'changing-column-type')).toEqual([
      'error ALTER COLUMN change TYPE jsonb (was json) on changes rewrites the table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock',
    ]);
  });

  it('widening a varchar whose length existing_type= states keeps the table file: no finding', async () => {
    const r = await lint("    op.alter_column('users', 'name', existing_type=sa.VARCHAR(length=100), type_=sa.String(length=320), existing_nullable=False)");
    expect(findings(r, 'changing-column-type')).toEqual([]);
  });

  it('text → varchar(n) checks every value and rewrites: reported as a rewrite (was text)', async () => {
    const r = await lint("    op.alter_column('users', 'name', existing_type=sa.Text(), type_=sa.String(length=64))");
    expect(findings(r, 'changing-column-type')).toEqual([
      'error ALTER COLUMN name TYPE varchar(64) (was text) on users rewrites the table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock',
    ]);
  });

  it('an existing_type migralint does not map (sa.Enum, a TypeDecorator) leaves the old type unknown', async () => {
    const r = await lint("    op.alter_column('users', 'role', existing_type=sa.Enum('admin', 'member', name='role'), type_=sa.Text())");
    expect(findings(r, 'changing-column-type')).toEqual(['warn ALTER COLUMN role TYPE text on users']);
  });

  it('what the model knows wins over existing_type=: a column added as varchar(10) and widened is not reported', async () => {
    const r = await lint(
      "    op.add_column('users', sa.Column('nick', sa.String(length=10), nullable=True))\n    op.alter_column('users', 'nick', existing_type=sa.Text(), type_=sa.String(length=20))",
    );
    expect(findings(r, 'changing-column-type')).toEqual([]);
  });

  it('existing_nullable=True with nullable=True: the DROP NOT NULL Alembic sends changes nothing', async () => {
    const said = await lint("    op.alter_column('queries', 'options', existing_type=sa.Text(), existing_nullable=True, nullable=True)");
    expect(findings(said, 'ban-drop-not-null')).toEqual([]);
    const unsaid = await lint("    op.alter_column('queries', 'options', existing_type=sa.Text(), nullable=True)");
    expect(findings(unsaid, 'ban-drop-not-null')).toHaveLength(1);
  });

  it('existing_nullable=False with nullable=False: the SET NOT NULL Alembic sends scans nothing', async () => {
    const said = await lint("    op.alter_column('queries', 'name', existing_type=sa.String(length=255), existing_nullable=False, nullable=False)");
    expect(findings(said, 'adding-not-nullable-field')).toEqual([]);
    const unsaid = await lint("    op.alter_column('queries', 'name', existing_type=sa.String(length=255), nullable=False)");
    expect(findings(unsaid, 'adding-not-nullable-field')).toHaveLength(1);
  });

  it('in batch mode the table comes from batch_alter_table', async () => {
    const r = await lint(
      "    with op.batch_alter_table('users') as batch_op:\n        batch_op.alter_column('name', existing_type=sa.VARCHAR(length=100), type_=sa.String(length=320))",
    );
    expect(findings(r, 'changing-column-type')).toEqual([]);
  });

  it('a later migration meets the stated column: replayed, not linted, the earlier revision teaches the model', async () => {
    const dir = tempDir();
    write(
      dir,
      'migrations/versions/1a_first.py',
      revision('1a', 'None', "    op.alter_column('users', 'name', existing_type=sa.String(length=50), type_=sa.String(length=100))"),
    );
    write(dir, 'migrations/versions/2b_second.py', revision('2b', '1a', "    op.alter_column('users', 'name', type_=sa.String(length=200))"));
    const { results } = await cliJson(['migrations/versions/2b_second.py', '--no-cache'], dir);
    expect(results.flatMap((x) => x.messages.filter((m) => m.ruleId === 'changing-column-type'))).toEqual([]);
    // Without the stated type in the first revision, the second cannot know the old length.
    write(dir, 'migrations/versions/1a_first.py', revision('1a', 'None', "    op.alter_column('users', 'name', type_=sa.String(length=100))"));
    const again = await cliJson(['migrations/versions/2b_second.py', '--no-cache'], dir);
    expect(again.results.flatMap((x) => x.messages.filter((m) => m.ruleId === 'changing-column-type').map(() => path.basename(x.filePath)))).toEqual([
      '2b_second.py',
    ]);
  });

  it('modelType names every type the adapter writes as the parser does', () => {
    const sqls = ['integer', 'bigint', 'smallint', 'varchar', 'varchar(255)', 'char', 'char(2)', 'text', 'boolean', 'timestamp', 'timestamptz', 'date'];
    sqls.push('time', 'interval', 'double precision', 'numeric', 'numeric(10, 2)', 'json', 'jsonb', 'uuid', 'bytea', 'inet', 'text[]', 'varchar(20)[]');
    for (const sql of sqls) {
      const stmt = parseSync(`CREATE TABLE x (v ${sql})`).stmts![0]!.stmt as { CreateStmt: { tableElts: Array<{ ColumnDef: { typeName: never } }> } };
      expect(modelType(sql), sql).toEqual(columnType(stmt.CreateStmt.tableElts[0]!.ColumnDef.typeName));
    }
  });
});

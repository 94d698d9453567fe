/**
 * The emptied-tables pass (src/analysis/emptied.ts): after a TRUNCATE the table holds no rows for the statements that
 * follow, until something may put rows back, a ROLLBACK restores them, or, its lock released, another table is locked
 * (the application writes meanwhile). What it claims about PostgreSQL is measured in
 * test/project/safe-patterns.pg.test.ts (fixtures/safe-patterns/truncate-rebuild).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeUnit } from '../src/analysis/analyze.js';
import { Catalog } from '../src/catalog/catalog.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { lintText, loadParsersFor } from '../src/engine/lint-text.js';
import { psqlAdapter } from '../src/sources/psql.js';
import { parseUnit } from '../src/sql/statements.js';

beforeAll(() => loadParsersFor(['a.sql', 'a.rb', 'a.py']));

/** For each statement that names sessions: its line and the TRUNCATE line it is emptied by (null: not emptied). */
function emptied(sql: string, catalog = new Catalog()): Array<[number, number | null]> {
  const unit = psqlAdapter.extract({ path: 'm.sql', text: sql, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} });
  return analyzeUnit(unit, parseUnit(unit).statements, catalog, DEFAULT_SETTINGS)
    .filter((s) => s.kind !== 'TruncateStmt')
    .flatMap((s) => {
      const t = s.facts.tables.find((x) => x.name === 'sessions');
      return t ? [[s.loc.line, t.emptiedBy ?? null] as [number, number | null]] : [];
    });
}

/** The rule ids of a file's findings, by line. */
async function found(text: string, filename = 'migration.sql'): Promise<string[]> {
  const r = await lintText(text, { filename, tables: { sessions: { rows: 2_000_000 }, users: { rows: 90_000 } } });
  return r.findings.map((f) => `${f.loc.line} ${f.ruleId}`);
}

describe('a table a TRUNCATE emptied', () => {
  it('holds no rows for the rest of the transaction, whatever its size before; the TRUNCATE itself is judged as it was', async () => {
    const catalog = new Catalog();
    catalog.addConfig({ sessions: { rows: 2_000_000 } }, undefined);
    const sql = 'BEGIN;\nTRUNCATE sessions;\nCREATE INDEX a ON sessions (user_id);\nUPDATE sessions SET token = NULL;\nCOMMIT;\n';
    expect(emptied(sql, catalog)).toEqual([
      [3, 2],
      [4, 2],
    ]);
    const rules = await found(sql);
    expect(rules).toEqual(['2 require-lock-timeout']);
    // TRUNCATE takes ACCESS EXCLUSIVE on the 2M-row table and waits for every query on it: still reported.
    const r = await lintText(sql, { tables: { sessions: { rows: 2_000_000 } } });
    expect(r.findings[0]!.message).toContain('TRUNCATE sessions on sessions (line 2, ACCESS EXCLUSIVE)');
  });

  it('is sized small with 0 rows, and says where the rows went', async () => {
    const unit = psqlAdapter.extract(
      { path: 'm.sql', text: 'TRUNCATE sessions;\nCREATE INDEX a ON sessions (user_id);\n', bom: false },
      { settings: DEFAULT_SETTINGS, warn: () => {} },
    );
    const [, index] = analyzeUnit(unit, parseUnit(unit).statements, new Catalog(), DEFAULT_SETTINGS);
    expect(index!.facts.tables[0]).toEqual({ name: 'sessions', rows: 0, sizeClass: 'small', emptiedBy: 1 });
    expect(index!.facts.work).toBeUndefined();
  });

  it('fills again: INSERT, COPY, a write to another table (a trigger), a DO block, a function call, ATTACH PARTITION', () => {
    const after = (between: string) => emptied(`BEGIN;\nTRUNCATE sessions;\n${between}\nCREATE INDEX a ON sessions (user_id);\nCOMMIT;\n`).at(-1);
    expect(after('INSERT INTO sessions SELECT * FROM old_sessions;')).toEqual([4, null]);
    expect(after('INSERT INTO audit (what) VALUES (1);')).toEqual([4, null]);
    expect(after("COPY sessions FROM '/tmp/sessions.csv';")).toEqual([4, null]);
    expect(after('UPDATE users SET email = lower(email);')).toEqual([4, null]);
    expect(after('DO $$ BEGIN PERFORM 1; END $$;')).toEqual([4, null]);
    expect(after('SELECT refill_sessions();')).toEqual([4, null]);
    expect(after("ALTER TABLE sessions ATTACH PARTITION sessions_old FOR VALUES IN ('x');")).toEqual([4, null]);
    expect(after('ALTER TABLE sessions_new RENAME TO sessions;')).toEqual([4, null]);
    // Nothing that writes rows: a session setting, set_config, an UPDATE or DELETE of the empty table, DDL on it.
    expect(after("SET LOCAL lock_timeout = '2s';")).toEqual([4, 2]);
    expect(after("COPY users TO '/tmp/users.csv';")).toEqual([4, 2]);
    expect(after("SELECT set_config('statement_timeout', '5min', true);")).toEqual([4, 2]);
    expect(after('DELETE FROM sessions WHERE user_id IS NULL;')).toEqual([4, 2]);
    expect(after('ALTER TABLE sessions ADD COLUMN ip inet;')).toEqual([4, 2]);
  });

  it('ends with a ROLLBACK, and with code the analysis cannot read between two statements', () => {
    expect(emptied('BEGIN;\nTRUNCATE sessions;\nROLLBACK;\nCREATE INDEX a ON sessions (user_id);\n')).toEqual([[4, null]]);
    expect(emptied('BEGIN;\nSAVEPOINT s;\nTRUNCATE sessions;\nROLLBACK TO s;\nCREATE INDEX a ON sessions (user_id);\nCOMMIT;\n')).toEqual([[5, null]]);
    // A statement that does not parse may have written anything.
    expect(emptied('BEGIN;\nTRUNCATE sessions;\nINSERT INTO sessions VALUES (;\nCREATE INDEX a ON sessions (user_id);\nCOMMIT;\n')).toEqual([[4, null]]);
    // A psql meta-command runs another file.
    expect(emptied('TRUNCATE sessions;\n\\i refill.sql\nCREATE INDEX a ON sessions (user_id);\n')).toEqual([[3, null]]);
    // Comments are not code.
    expect(emptied('TRUNCATE sessions;\n-- rebuilt below\n/* empty now */\nCREATE INDEX a ON sessions (user_id);\n')).toEqual([[4, 1]]);
  });

  it('once its lock is released (COMMIT, or no transaction), lasts until a statement locks another table', () => {
    expect(emptied('BEGIN;\nTRUNCATE sessions;\nCOMMIT;\nCREATE INDEX a ON sessions (user_id);\nCREATE INDEX b ON sessions (token);\n')).toEqual([
      [4, 2],
      [5, 2],
    ]);
    // No transaction: each statement commits at once; CREATE INDEX on users may wait while the application writes sessions.
    expect(
      emptied('TRUNCATE sessions;\nCREATE INDEX a ON sessions (user_id);\nCREATE INDEX b ON users (email);\nCREATE INDEX c ON sessions (token);\n'),
    ).toEqual([
      [2, 1],
      [4, null],
    ]);
    // Released by COMMIT: the first statement after it that locks another table ends it too.
    expect(emptied('BEGIN;\nTRUNCATE sessions;\nCOMMIT;\nCREATE INDEX b ON users (email);\nCREATE INDEX c ON sessions (token);\n')).toEqual([[5, null]]);
    // Held: another table's lock changes nothing, the TRUNCATE's keeps everyone out of sessions.
    expect(emptied('BEGIN;\nTRUNCATE sessions;\nCREATE INDEX b ON users (email);\nCREATE INDEX c ON sessions (token);\nCOMMIT;\n')).toEqual([[4, 2]]);
  });

  it('is not counted for TRUNCATE ONLY (inheritance children keep their rows), nor inside a PL/pgSQL body', () => {
    expect(emptied('BEGIN;\nTRUNCATE ONLY sessions;\nCREATE INDEX a ON sessions (user_id);\nCOMMIT;\n')).toEqual([[3, null]]);
    expect(
      emptied("BEGIN;\nDO $$ BEGIN IF now() > '2030-01-01' THEN TRUNCATE sessions; END IF; END $$;\nCREATE INDEX a ON sessions (user_id);\nCOMMIT;\n"),
    ).toEqual([[3, null]]);
  });

  it('empties every table a TRUNCATE names', () => {
    expect(emptied('BEGIN;\nTRUNCATE users, sessions;\nCREATE INDEX a ON sessions (user_id);\nCOMMIT;\n')).toEqual([[3, 2]]);
  });

  describe('in a host language, across calls only when nothing runs between them', () => {
    const rails = (body: string) => `class RebuildSessions < ActiveRecord::Migration[7.1]\n  def up\n${body}  end\nend\n`;
    const RAILS = 'db/migrate/20240101000000_rebuild_sessions.rb';

    it('Rails: execute then add_index, also from a heredoc; not after Ruby code or a condition', async () => {
      const index = (rules: string[]) => rules.filter((r) => r.endsWith('require-concurrent-index-creation'));
      expect(index(await found(rails('    execute "TRUNCATE sessions"\n    add_index :sessions, :user_id\n'), RAILS))).toEqual([]);
      expect(index(await found(rails('    execute <<~SQL\n      TRUNCATE sessions;\n    SQL\n    add_index :sessions, :user_id\n'), RAILS))).toEqual([]);
      expect(index(await found(rails('    execute "TRUNCATE sessions"\n    Session.create!(user_id: 1)\n    add_index :sessions, :user_id\n'), RAILS))).toEqual(
        ['5 require-concurrent-index-creation'],
      );
      expect(index(await found(rails('    execute "TRUNCATE sessions" if Rails.env.test?\n    add_index :sessions, :user_id\n'), RAILS))).toEqual([
        '4 require-concurrent-index-creation',
      ]);
    });

    it('Alembic: op.execute then op.create_index; not when the TRUNCATE is in a block the index is not', async () => {
      const alembic = (body: string) => `from alembic import op\n\nrevision = '4c1d2e3f5a6b'\ndown_revision = None\n\n\ndef upgrade():\n${body}`;
      const file = 'alembic/versions/4c1d2e3f5a6b_sessions.py';
      const index = (rules: string[]) => rules.filter((r) => r.endsWith('require-concurrent-index-creation'));
      expect(
        index(await found(alembic("    op.execute('TRUNCATE sessions')\n    op.create_index('ix_sessions_user_id', 'sessions', ['user_id'])\n"), file)),
      ).toEqual([]);
      expect(
        index(
          await found(
            alembic(
              "    if op.get_context().dialect.name == 'postgresql':\n        op.execute('TRUNCATE sessions')\n    op.create_index('ix_sessions_user_id', 'sessions', ['user_id'])\n",
            ),
            file,
          ),
        ),
      ).toEqual(['10 require-concurrent-index-creation']);
    });
  });
});

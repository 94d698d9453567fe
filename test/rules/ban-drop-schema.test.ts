/**
 * ban-drop-schema over a history: what the schema model knows of the schema dropped (StatementFacts.droppedSchemas).
 * A schema a migration created and put only views and functions in loses no stored rows: info, saying what still
 * breaks. A schema holding a table, or one no migration created (the model cannot say what is in it), stays a warning.
 */
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-drop-schema-');

async function lint(files: Record<string, string>): Promise<Array<{ file: string; line: number; severity: number; message: string }>> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) write(dir, `db/migrations/${name}`, text);
  const { results } = await cliJson(['db/migrations', '--framework', 'flyway', '--no-cache', '--rule', 'ban-drop-schema:warn'], dir);
  return results.flatMap((r) =>
    r.messages
      .filter((m) => m.ruleId === 'ban-drop-schema')
      .map((m) => ({ file: r.filePath.replace(/.*\//, ''), line: m.line, severity: m.severity, message: m.message })),
  );
}

const CREATE_REPORTING = [
  'CREATE SCHEMA reporting;',
  "CREATE VIEW reporting.daily_signups AS SELECT date_trunc('day', created_at) AS day, count(*) AS signups FROM users GROUP BY 1;",
  'CREATE FUNCTION reporting.signups_since(since timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM users WHERE created_at >= since $$;',
  '',
].join('\n');
const USERS = 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n';

describe('ban-drop-schema over a history', () => {
  it('a schema an earlier migration created with views and functions only: info, no stored rows lost', async () => {
    const found = await lint({
      'V1__users.sql': USERS,
      'V2__reporting_views.sql': CREATE_REPORTING,
      'V3__drop_reporting.sql': '-- Reporting moved to the warehouse.\nDROP SCHEMA reporting CASCADE;\n',
    });
    expect(found).toEqual([
      {
        file: 'V3__drop_reporting.sql',
        line: 2,
        severity: 0,
        message:
          'Dropping schema reporting CASCADE breaks every running query that still uses a view, function or type in it until they are created again; a migration created the schema and none put a table in it, so no stored rows are lost.',
      },
    ]);
  });

  it('a table in it, or a table moved into it, keeps the warning and the data-loss message', async () => {
    const withTable = await lint({
      'V1__users.sql': USERS,
      'V2__reporting_views.sql': `${CREATE_REPORTING}CREATE TABLE reporting.snapshots (taken_at timestamptz PRIMARY KEY, signups bigint NOT NULL);\n`,
      'V3__drop_reporting.sql': 'DROP SCHEMA reporting CASCADE;\n',
    });
    expect(withTable.map((f) => [f.severity, f.message.includes('deletes every table')])).toEqual([[1, true]]);
    const moved = await lint({
      'V1__users.sql': USERS,
      'V2__reporting_views.sql': CREATE_REPORTING,
      'V3__archive.sql': 'ALTER TABLE users SET SCHEMA reporting;\n',
      'V4__drop_reporting.sql': 'DROP SCHEMA reporting CASCADE;\n',
    });
    expect(moved.map((f) => f.severity)).toEqual([1]);
  });

  it('a schema no migration created (made by hand or by the runner): the model cannot say what is in it', async () => {
    const found = await lint({ 'V1__users.sql': USERS, 'V2__drop_r.sql': 'DROP SCHEMA IF EXISTS r CASCADE;\n' });
    expect(found.map((f) => [f.file, f.severity])).toEqual([['V2__drop_r.sql', 1]]);
  });
});

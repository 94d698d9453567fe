/**
 * An interpolation in identifier position (Rails and Ecto `#{table}`, C# `{table}` in `$"…"`) is parsed as a name, and
 * every message and data field names it as the migration wrote it, never the name the parse stage made of it (`_a`)
 * nor the placeholder it was (`$1`). Python f-strings and JavaScript `${…}` outside a `sql` tag are not linted at all
 * (reported as built at run time), so no name can be made up there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../src/engine/lint-text.js';
import type { FileResult } from '../src/types.js';

beforeAll(loadParsers);

/** Every message, help and data field of the findings, as one text per finding. */
const said = (r: FileResult): string[] => r.findings.map((f) => `${f.ruleId}: ${f.message} ${f.help ?? ''} ${JSON.stringify(f.data ?? {})}`);
const MADE_UP = /(^|[^\w])(_[a-z0-9]|\$\d+)(?![\w{])/;

const lint = (filename: string, text: string): Promise<FileResult> => lintText(text, { filename, settings: { preset: 'all' } });

describe('interpolated names in messages and data', () => {
  it('Rails: #{table} in a loop (publishing-api 20151119100750 shape), bare, quoted and inside a longer name', async () => {
    const r = await lint(
      '/app/db/migrate/20151119100750_change_description_column_types.rb',
      [
        'class ChangeDescriptionColumnTypes < ActiveRecord::Migration[4.2]',
        '  def up',
        '    %i[draft_content_items live_content_items].each do |table|',
        '      execute "UPDATE #{table} SET new_description = NULL"',
        '      execute "ALTER TABLE #{table}_history DROP COLUMN old_description"',
        '      execute "ALTER TABLE \\"#{table}\\" ALTER COLUMN details TYPE jsonb"',
        '    end',
        '  end',
        'end',
        '',
      ].join('\n'),
    );
    const backfill = r.findings.find((f) => f.ruleId === 'ban-unbatched-backfill')!;
    expect(backfill.message).toMatch(/^UPDATE on "#\{table\}" without WHERE/);
    expect((backfill.data as { lock: { relation: string } }).lock.relation).toBe('"#{table}"');
    expect(r.findings.find((f) => f.ruleId === 'ban-drop-column')!.message).toContain('of "#{table}_history"');
    expect(r.findings.find((f) => f.ruleId === 'changing-column-type')!.message).toContain('TYPE jsonb on "#{table}"');
    expect(said(r).filter((m) => MADE_UP.test(m))).toEqual([]);
  });

  it('Ecto: #{table} of a local and #{@table} of a module attribute are two names, each as written', async () => {
    const r = await lint(
      '/app/priv/repo/migrations/20240101000000_backfill.exs',
      'defmodule MyApp.Repo.Migrations.Backfill do\n  use Ecto.Migration\n\n  def up do\n    table = "orders"\n    execute("UPDATE #{table} SET archived = false")\n    execute "ALTER TABLE #{@table} DROP COLUMN legacy"\n  end\nend\n',
    );
    expect(r.findings.find((f) => f.ruleId === 'ban-unbatched-backfill')!.message).toMatch(/^UPDATE on "#\{table\}" /);
    expect(r.findings.find((f) => f.ruleId === 'ban-drop-column')!.message).toContain('of "#{@table}"');
    expect(said(r).filter((m) => MADE_UP.test(m))).toEqual([]);
  });

  it('EF Core: {table} in an interpolated $"…" string, quoted and bare; an index name holding one', async () => {
    const r = await lint(
      '/app/Migrations/20240401090000_Backfill.cs',
      [
        'using Microsoft.EntityFrameworkCore.Migrations;',
        '',
        'namespace Shop.Api.Migrations',
        '{',
        '    public partial class Backfill : Migration',
        '    {',
        '        protected override void Up(MigrationBuilder migrationBuilder)',
        '        {',
        '            foreach (var table in new[] { "orders", "invoices" })',
        '            {',
        '                migrationBuilder.Sql($"UPDATE \\"{table}\\" SET archived = false");',
        '                migrationBuilder.Sql($"CREATE INDEX ix_{table}_archived ON {table} (archived)");',
        '            }',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    expect(r.findings.find((f) => f.ruleId === 'ban-unbatched-backfill')!.message).toMatch(/^UPDATE on "\{table\}" /);
    const index = r.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(index.message).toContain('"{table}"');
    expect(said(r).filter((m) => MADE_UP.test(m))).toEqual([]);
  });

  it('a value interpolated into a string constant or a WHERE stays a value', async () => {
    const r = await lint(
      '/app/db/migrate/20240101000000_archive_old.rb',
      'class ArchiveOld < ActiveRecord::Migration[7.0]\n  def up\n    execute "UPDATE orders SET state = \'#{STATE}\' WHERE created_at < #{cutoff}"\n  end\nend\n',
    );
    expect(r.findings.filter((f) => f.ruleId === 'ban-unbatched-backfill').map((f) => f.message.split(' touches')[0])).toEqual([]);
    expect(said(r).filter((m) => MADE_UP.test(m) || m.includes('#{'))).toEqual([]);
  });

  it('Python f-strings and JavaScript ${…} outside a sql tag are reported as built at run time, not linted under a made-up name', async () => {
    const py = await lint(
      'alembic/versions/1b2c3d4e5f60_backfill.py',
      "from alembic import op\n\nrevision = '1b2c3d4e5f60'\ndown_revision = None\n\n\ndef upgrade():\n    for table in ('orders', 'invoices'):\n        op.execute(f'UPDATE {table} SET archived = false')\n",
    );
    expect(py.findings.map((f) => f.ruleId)).toEqual(['unsupported-framework-construct']);
    const js = await lint(
      'migrations/20240101000000-backfill.js',
      'module.exports = {\n  async up(queryInterface) {\n    for (const tableName of await queryInterface.showAllTables()) {\n      await queryInterface.sequelize.query(`UPDATE ${tableName} SET archived = false`);\n    }\n  },\n};\n',
    );
    expect(js.findings.map((f) => f.ruleId)).toEqual(['unsupported-framework-construct']);
  });
});

/**
 * `migralint-disable-next-line` in Ruby, Elixir and C# migrations covers the whole statement that follows when it
 * spans several lines (a call with its SQL on the lines after it, a Ruby heredoc): linted with the real readers,
 * a finding inside the statement's SQL is suppressed, and one after the statement is not.
 */
import { describe, expect, it } from 'vitest';
import { lintText, loadParsers } from '../../src/engine/lint-text.js';
import { fx, lined } from './helpers.js';

const RULE = 'require-concurrent-index-creation';

/** The lines the rule still reports on in the migration (`orders` is large, so each plain CREATE INDEX is flagged). */
async function reported(lines: string[], rel: string): Promise<number[]> {
  await loadParsers();
  const r = await lintText(lines.join('\n'), { filename: fx(rel), tables: { orders: { rows: 5_000_000 } } });
  return lined(r)
    .filter(([, id]) => id === RULE)
    .map(([line]) => line);
}

describe('a disable-next-line directive covers the whole multi-line statement after it', () => {
  it('Rails: a heredoc execute and a call over several lines', async () => {
    const text = [
      'class AddIndexes < ActiveRecord::Migration[7.1]',
      '  def change',
      `    # migralint-disable-next-line ${RULE}`,
      '    execute <<~SQL',
      '      CREATE INDEX orders_status_idx ON orders (status);',
      '    SQL',
      `    # migralint-disable-next-line ${RULE}`,
      '    execute(',
      '      "CREATE INDEX orders_placed_idx ON orders (placed_at)"',
      '    )',
      '    execute "CREATE INDEX orders_total_idx ON orders (total)"',
      '  end',
      'end',
      '',
    ];
    expect(await reported(text, 'rails/db/migrate/20240501000000_add_indexes.rb')).toEqual([11]);
  });

  it('Ecto: an execute whose SQL is on the lines after it', async () => {
    const text = [
      'defmodule Shop.Repo.Migrations.AddIndexes do',
      '  use Ecto.Migration',
      '',
      '  def change do',
      `    # migralint-disable-next-line ${RULE}`,
      '    execute(',
      '      "CREATE INDEX orders_status_idx ON orders (status)"',
      '    )',
      '    execute "CREATE INDEX orders_total_idx ON orders (total)"',
      '  end',
      'end',
      '',
    ];
    expect(await reported(text, 'ecto/priv/repo/migrations/20240501000000_add_indexes.exs')).toEqual([9]);
  });

  it('EF Core: a Sql() call whose SQL is on the lines after it', async () => {
    const text = [
      'using Microsoft.EntityFrameworkCore.Migrations;',
      '',
      'namespace Shop.Api.Migrations',
      '{',
      '    public partial class AddIndexes : Migration',
      '    {',
      '        protected override void Up(MigrationBuilder migrationBuilder)',
      '        {',
      `            // migralint-disable-next-line ${RULE}`,
      '            migrationBuilder.Sql(',
      '                "CREATE INDEX orders_status_idx ON orders (status)");',
      '            migrationBuilder.Sql("CREATE INDEX orders_total_idx ON orders (total)");',
      '        }',
      '    }',
      '}',
      '',
    ];
    expect(await reported(text, 'ef-core/Migrations/20240501000000_AddIndexes.cs')).toEqual([12]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes corpora of realistic Ecto (`priv/repo/migrations/*.exs`) and EF Core (`Migrations/*.cs`) migrations for
 * the speed benchmark. Deterministic: the same count gives the same files.
 */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}

const TABLES = ['orders', 'users', 'messages', 'invoices', 'events', 'payments'];
const COLS = ['user_id', 'status', 'customer_id', 'amount', 'thread_id'];
const pascal = (s: string) => s.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());

export function writeEctoCorpus(dir: string, count = 1000): { files: number; bytes: number } {
  const migrations = join(dir, 'priv', 'repo', 'migrations');
  mkdirSync(migrations, { recursive: true });
  const rand = random(11);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const t = TABLES[rand(TABLES.length)]!;
    const c = COLS[rand(COLS.length)]!;
    const body: string[] = [];
    for (let k = 0, n = 2 + rand(4); k < n; k++) {
      switch (rand(5)) {
        case 0:
          body.push(`    create index(:${t}, [:${c}])`);
          break;
        case 1:
          body.push(`    alter table(:${t}) do\n      add :extra_${k}, :string, null: true\n      modify :${c}, :bigint, null: false\n    end`);
          break;
        case 2:
          body.push(`    execute """\n    UPDATE ${t} SET ${c} = 0 WHERE ${c} IS NULL\n    """`);
          break;
        case 3:
          body.push(
            `    create table(:${t}_${i}_${k}) do\n      add :${c}, references(:${t}, on_delete: :delete_all), null: false\n      add :note, :text\n      timestamps(type: :utc_datetime)\n    end`,
          );
          break;
        default:
          body.push(`    create unique_index(:${t}, [:${c}, :inserted_at], concurrently: true)`);
      }
    }
    const text = `defmodule App.Repo.Migrations.Change${pascal(t)}${i} do\n  use Ecto.Migration\n\n  def change do\n${body.join('\n\n')}\n  end\nend\n`;
    writeFileSync(join(migrations, `${20240101000000 + i}_change_${t}_${i}.exs`), text);
    bytes += text.length;
  }
  return { files: count, bytes };
}

export function writeEfCoreCorpus(dir: string, count = 1000): { files: number; bytes: number } {
  const migrations = join(dir, 'Migrations');
  mkdirSync(migrations, { recursive: true });
  const rand = random(13);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const t = pascal(TABLES[rand(TABLES.length)]!);
    const c = pascal(COLS[rand(COLS.length)]!);
    const body: string[] = [];
    for (let k = 0, n = 2 + rand(4); k < n; k++) {
      switch (rand(5)) {
        case 0:
          body.push(
            `            migrationBuilder.CreateIndex(\n                name: "IX_${t}_${c}_${k}",\n                table: "${t}",\n                column: "${c}");`,
          );
          break;
        case 1:
          body.push(
            `            migrationBuilder.AddColumn<string>(\n                name: "Extra${k}",\n                table: "${t}",\n                type: "text",\n                nullable: true);`,
          );
          break;
        case 2:
          body.push(`            migrationBuilder.Sql(@"UPDATE ""${t}"" SET ""${c}"" = 0 WHERE ""${c}"" IS NULL;");`);
          break;
        case 3:
          body.push(
            `            migrationBuilder.AlterColumn<long>(\n                name: "${c}",\n                table: "${t}",\n                type: "bigint",\n                nullable: false,\n                oldClrType: typeof(int),\n                oldType: "integer");`,
          );
          break;
        default:
          body.push(
            `            migrationBuilder.CreateIndex(\n                name: "IX_${t}_${c}_Unique${k}",\n                table: "${t}",\n                columns: new[] { "${c}", "CreatedAt" },\n                unique: true)\n                .Annotation("Npgsql:CreatedConcurrently", true);`,
          );
      }
    }
    const name = `Change${t}${i}`;
    const text = `using Microsoft.EntityFrameworkCore.Migrations;\n\n#nullable disable\n\nnamespace App.Migrations\n{\n    public partial class ${name} : Migration\n    {\n        protected override void Up(MigrationBuilder migrationBuilder)\n        {\n${body.join('\n\n')}\n        }\n    }\n}\n`;
    writeFileSync(join(migrations, `${20240101000000 + i}_${name}.cs`), text);
    bytes += text.length;
  }
  return { files: count, bytes };
}

/**
 * A goose history of `count` migrations that applies from scratch, for timing `migralint trace`: tables created,
 * then columns, indexes (plain in the migration's transaction, or CONCURRENTLY under NO TRANSACTION), foreign keys
 * added NOT VALID and validated, defaults and backfills — the mix of a long-lived project.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeTraceHistory(dir: string, count = 300): { files: number; statements: number } {
  mkdirSync(dir, { recursive: true });
  const tables: string[] = [];
  const columns = new Map<string, string[]>();
  let statements = 0;
  for (let i = 0; i < count; i++) {
    const version = String(20240101000000 + i * 100);
    const up: string[] = [];
    let noTx = false;
    const kind = tables.length < 5 ? 0 : i % 6;
    const t = tables[(i * 7) % Math.max(1, tables.length)]!;
    if (kind === 0) {
      const name = `table_${i}`;
      up.push(`CREATE TABLE ${name} (\n    id bigserial PRIMARY KEY,\n    created_at timestamptz NOT NULL DEFAULT now(),\n    name text\n);`);
      tables.push(name);
      columns.set(name, ['name']);
    } else if (kind === 1) {
      const col = `attr_${i}`;
      up.push(`ALTER TABLE ${t} ADD COLUMN ${col} text;`);
      columns.get(t)!.push(col);
    } else if (kind === 2) {
      const col = columns.get(t)!.at(-1)!;
      up.push(`CREATE INDEX ${t}_${col}_idx_${i} ON ${t} (${col});`);
    } else if (kind === 3) {
      const col = columns.get(t)!.at(-1)!;
      noTx = true;
      up.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${col}_cidx_${i} ON ${t} (${col});`);
    } else if (kind === 4) {
      const other = tables[(i * 3) % tables.length]!;
      const col = `ref_${i}_id`;
      up.push(`ALTER TABLE ${t} ADD COLUMN ${col} bigint;`);
      up.push(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_${col}_fk FOREIGN KEY (${col}) REFERENCES ${other} (id) NOT VALID;`);
      up.push(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_${col}_fk;`);
    } else {
      const col = `flag_${i}`;
      up.push(`ALTER TABLE ${t} ADD COLUMN ${col} boolean DEFAULT false;`);
      up.push(`UPDATE ${t} SET ${col} = true WHERE name IS NULL;`);
    }
    statements += up.length;
    const text = `${noTx ? '-- +goose NO TRANSACTION\n' : ''}-- +goose Up\n${up.join('\n')}\n\n-- +goose Down\nSELECT 1;\n`;
    writeFileSync(path.join(dir, `${version}_migration_${i}.sql`), text);
  }
  return { files: count, statements };
}

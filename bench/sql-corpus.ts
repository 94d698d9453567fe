// A generated corpus of realistic plain-SQL migrations for the benchmark: deterministic (seeded), so runs compare.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TABLES = [
  'orders',
  'customers',
  'invoices',
  'payments',
  'page_views',
  'events',
  'sessions',
  'products',
  'line_items',
  'shipments',
  'audit_log',
  'messages',
];
const COLUMNS = [
  'status',
  'created_at',
  'updated_at',
  'customer_id',
  'total_cents',
  'currency',
  'external_id',
  'note',
  'deleted_at',
  'tenant_id',
  'email',
  'sku',
];

export function writeSqlCorpus(dir: string, files = 2000, seed = 42): { files: number; statements: number; bytes: number } {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  mkdirSync(dir, { recursive: true });
  let statements = 0;
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const parts: string[] = [`-- Migration ${i + 1}: ${pick(['add reporting indexes', 'billing changes', 'tenant isolation', 'cleanup', 'new audit table'])}`];
    const n = 6 + Math.floor(r() * 9);
    const fresh = `t_${i}_${pick(TABLES)}`;
    for (let k = 0; k < n; k++) {
      const t = pick(TABLES);
      const c = pick(COLUMNS);
      const choice = r();
      if (k === 0 && r() < 0.3) parts.push('BEGIN;');
      if (choice < 0.12) {
        parts.push(
          `CREATE TABLE IF NOT EXISTS ${fresh}_${k} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  ${c} text NOT NULL,\n  tenant_id bigint NOT NULL REFERENCES customers (id),\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
        );
      } else if (choice < 0.3) {
        parts.push(
          `CREATE INDEX ${r() < 0.5 ? 'CONCURRENTLY ' : ''}idx_${t}_${c}_${i}_${k} ON ${t} (${c}${r() < 0.3 ? ', created_at DESC' : ''})${r() < 0.2 ? ` WHERE deleted_at IS NULL` : ''};`,
        );
      } else if (choice < 0.45) {
        parts.push(
          `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c}_${i}_${k} ${pick(['text', 'bigint', 'timestamptz', 'boolean NOT NULL DEFAULT false', 'jsonb'])};`,
        );
      } else if (choice < 0.55) {
        parts.push(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_${c}_${i}_${k}_fk FOREIGN KEY (${c}) REFERENCES customers (id)${r() < 0.5 ? ' NOT VALID' : ''};`);
      } else if (choice < 0.62) {
        parts.push(`ALTER TABLE ${t} ADD CONSTRAINT ${t}_${c}_${i}_${k}_check CHECK (${c} IS NOT NULL)${r() < 0.5 ? ' NOT VALID' : ''};`);
      } else if (choice < 0.7) {
        parts.push(`UPDATE ${t} SET ${c} = NULL WHERE id < ${Math.floor(r() * 100000)};`);
      } else if (choice < 0.76) {
        parts.push(
          `CREATE OR REPLACE FUNCTION touch_${t}_${i}_${k}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;`,
        );
      } else if (choice < 0.82) {
        parts.push(`COMMENT ON COLUMN ${t}.${c} IS 'Set by the ${pick(['billing', 'import', 'sync'])} job; see ADR-${Math.floor(r() * 90)}';`);
      } else if (choice < 0.88) {
        parts.push(`SET lock_timeout = '${1 + Math.floor(r() * 5)}s';`);
      } else if (choice < 0.93) {
        parts.push(`DROP INDEX ${r() < 0.5 ? 'CONCURRENTLY ' : ''}IF EXISTS idx_${t}_${c}_old_${i};`);
      } else {
        parts.push(`INSERT INTO ${t}_settings (key, value) VALUES ('${c}', '${Math.floor(r() * 1000)}') ON CONFLICT (key) DO NOTHING;`);
      }
      statements++;
    }
    if (parts[1] === 'BEGIN;') {
      parts.push('COMMIT;');
      statements += 2;
    }
    const text = `${parts.join('\n\n')}\n`;
    bytes += Buffer.byteLength(text);
    writeFileSync(path.join(dir, `${String(i + 1).padStart(5, '0')}_migration.sql`), text);
  }
  return { files, statements, bytes };
}

/** The replayed catalog as text, for `migralint schema`: what migralint believes each migration meets. */
import type { ColumnType, ConstraintModel, SchemaModel, TableModel } from './model.js';

export function typeText(t: ColumnType): string {
  const words: Record<string, string> = {
    int4: 'integer',
    int2: 'smallint',
    int8: 'bigint',
    bpchar: 'char',
    bool: 'boolean',
    float8: 'double precision',
    float4: 'real',
  };
  return `${words[t.name] ?? t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

function constraintText(c: ConstraintModel): string {
  const head = { primary: 'PRIMARY KEY', unique: 'UNIQUE', check: 'CHECK', foreign: 'FOREIGN KEY', exclude: 'EXCLUDE' }[c.kind];
  const cols = c.columns.length ? ` (${c.columns.join(', ')})` : '';
  const ref = c.references ? ` REFERENCES ${c.references.table}${c.references.columns.length ? ` (${c.references.columns.join(', ')})` : ''}` : '';
  const notNull = c.notNullOf ? ` [${c.notNullOf} IS NOT NULL]` : '';
  return `${c.name ?? '(unnamed)'}: ${head}${cols}${ref}${notNull}${c.validated ? '' : ' NOT VALID'}${c.usingIndex ? ` USING INDEX ${c.usingIndex}` : ''}`;
}

function tableText(key: string, t: TableModel, model: SchemaModel): string[] {
  const notes = [
    t.partial ? 'not created by any migration read; only later changes known' : `created by ${t.createdBy}`,
    t.partitioned ? 'partitioned' : '',
    t.partitionOf ? `partition of ${t.partitionOf}` : '',
    t.filledBy ? `rows written by ${t.filledBy}` : '',
    t.columnsUnknown && !t.partial ? 'some columns unknown' : '',
  ].filter(Boolean);
  const out = [`table ${key} (${notes.join('; ')})`];
  const width = Math.max(0, ...t.columns.map((c) => c.name.length));
  for (const c of t.columns) {
    const extra = [
      c.notNull ? 'NOT NULL' : '',
      c.hasDefault ? 'DEFAULT …' : '',
      c.identity ? `GENERATED ${c.identity.toUpperCase()} AS IDENTITY` : '',
      c.generated ? 'GENERATED' : '',
    ]
      .filter(Boolean)
      .join(' ');
    out.push(`  ${c.name.padEnd(width)}  ${typeText(c.type)}${extra ? ` ${extra}` : ''}`);
  }
  for (const c of t.constraints) out.push(`  constraint ${constraintText(c)}`);
  for (const [ik, ix] of Object.entries(model.indexes).sort()) {
    if (ix.table !== key) continue;
    const cols = ix.columns.map((c) => c ?? '(expression)').join(', ');
    const flags = [
      ix.unique ? 'unique' : '',
      ix.partial ? 'partial' : '',
      ix.only ? 'ON ONLY' : '',
      ix.validity === 'valid'
        ? ''
        : ix.validity === 'maybe-invalid'
          ? 'built CONCURRENTLY: INVALID if the build failed'
          : 'invalid until every partition is attached',
    ].filter(Boolean);
    out.push(`  index ${ik} (${cols})${flags.length ? ` ${flags.join(', ')}` : ''}`);
  }
  return out;
}

export function printModel(model: SchemaModel): string {
  const out: string[] = [];
  const schemas = Object.keys(model.schemas).filter((s) => s !== 'public');
  if (schemas.length) out.push(`schemas: ${schemas.sort().join(', ')}`);
  for (const [k, t] of Object.entries(model.types).sort())
    out.push(t.kind === 'enum' ? `enum ${k} (${(t.values ?? []).map((v) => `'${v}'`).join(', ')})` : `domain ${k}${t.base ? ` ${typeText(t.base)}` : ''}`);
  for (const [k, s] of Object.entries(model.sequences).sort()) out.push(`sequence ${k}${s.ownedBy ? ` owned by ${s.ownedBy}` : ''}`);
  for (const [k, t] of Object.entries(model.tables).sort()) out.push(...tableText(k, t, model));
  const tables = new Set(Object.keys(model.tables));
  for (const [ik, ix] of Object.entries(model.indexes).sort()) if (!tables.has(ix.table)) out.push(`index ${ik} on ${ix.table} (table unknown)`);
  for (const [k, v] of Object.entries(model.views).sort()) out.push(`${v.materialized ? 'materialized view' : 'view'} ${k}`);
  return out.join('\n') + (out.length ? '\n' : '');
}

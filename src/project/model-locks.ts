/**
 * Locks PostgreSQL takes on relations a statement does not name, which only the schema model can tell: the
 * other side of a foreign key, the referencing tables of a dropped table, the table of a dropped index, the
 * partitions of a partitioned table. Each claim is proved on a real server in test/model-locks.pg.test.ts.
 */
import type { LockClaim } from '../analysis/locks.js';
import type { LockMode, QualifiedName } from '../types.js';
import type { Replay } from './replay.js';
import { referencingTables } from './replay.js';
import { objectKey } from './model.js';

function fromKey(key: string): QualifiedName {
  const dot = key.indexOf('.');
  const schema = key.slice(0, dot);
  const name = key.slice(dot + 1);
  return schema === 'public' ? { name } : { schema, name };
}

function rvKey(v: any): string | undefined {
  const r = v?.RangeVar ?? v;
  return typeof r?.relname === 'string' ? objectKey(r.schemaname, r.relname) : undefined;
}

/** The extra claims, before the statement changes the model. */
export function modelLocks(kind: string, n: any, replay: Replay): LockClaim[] {
  const out: LockClaim[] = [];
  const claim = (key: string, mode: LockMode) => out.push({ relation: fromKey(key), mode, on: 'table' });
  try {
    if (kind === 'AlterTableStmt' && n.objtype === 'OBJECT_TABLE') {
      const tk = rvKey(n.relation);
      const t = tk ? replay.get('tables', tk) : undefined;
      if (!tk || !t) return out;
      for (const x of n.cmds ?? []) {
        const c = x?.AlterTableCmd;
        if (!c) continue;
        if (c.subtype === 'AT_DropConstraint') {
          const con = t.constraints.find((k) => k.name === c.name);
          if (con?.kind === 'foreign' && con.references && con.references.table !== tk) claim(con.references.table, 'AccessExclusiveLock');
        } else if (c.subtype === 'AT_ValidateConstraint') {
          const con = t.constraints.find((k) => k.name === c.name);
          if (con?.kind === 'foreign' && con.references && con.references.table !== tk) claim(con.references.table, 'RowShareLock');
        } else if (c.subtype === 'AT_AlterColumnType' && c.name) {
          // The foreign keys on the column are rebuilt: their other table is locked ACCESS EXCLUSIVE too.
          for (const con of t.constraints) {
            if (con.kind === 'foreign' && con.references && con.columns.includes(c.name) && con.references.table !== tk) claim(con.references.table, 'AccessExclusiveLock');
          }
          for (const [rk, rt] of replay.all('tables')) {
            if (rk === tk) continue;
            if (rt.constraints.some((con) => con.kind === 'foreign' && con.references?.table === tk && con.references.columns.includes(c.name))) claim(rk, 'AccessExclusiveLock');
          }
        }
      }
    } else if (kind === 'AlterDomainStmt' && ((n.subtype === 'C' && !n.def?.Constraint?.skip_validation) || n.subtype === 'O')) {
      // ADD CONSTRAINT (unless NOT VALID) and SET NOT NULL check every column of the domain: SHARE on each table
      // with such a column (columns of arrays of the domain are not claimed).
      const parts: string[] = (n.typeName ?? []).map((i: any) => i?.String?.sval).filter(Boolean);
      const name = parts[parts.length - 1];
      if (!name) return out;
      const mode: LockMode = 'ShareLock';
      for (const [key, t] of replay.all('tables')) {
        if (t.columns.some((c) => c.type.name === name && !c.type.array)) claim(key, mode);
      }
    } else if (kind === 'DropStmt' && n.removeType === 'OBJECT_SCHEMA' && n.behavior === 'DROP_CASCADE') {
      // DROP SCHEMA … CASCADE drops every table in it: ACCESS EXCLUSIVE on each.
      const schemas = new Set((n.objects ?? []).map((o: any) => o?.String?.sval).filter(Boolean));
      for (const [key, t] of replay.all('tables')) if (schemas.has(t.schema)) claim(key, 'AccessExclusiveLock');
    } else if (kind === 'DropStmt' && (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_INDEX')) {
      for (const o of n.objects ?? []) {
        const parts: string[] = (o?.List?.items ?? []).map((i: any) => i?.String?.sval).filter(Boolean);
        if (parts.length === 0) continue;
        const key = objectKey(parts.length >= 2 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]!);
        if (n.removeType === 'OBJECT_INDEX') {
          const ix = replay.get('indexes', key);
          if (ix) claim(ix.table, n.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock');
        } else if (n.behavior === 'DROP_CASCADE') {
          for (const r of referencingTables(replay, key)) claim(r, 'AccessExclusiveLock');
        }
      }
    }
  } catch {
    return [];
  }
  return out;
}

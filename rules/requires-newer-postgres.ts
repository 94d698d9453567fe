import { defineRule } from '../src/engine/rule.js';
import { alterCmds, columnConstraints, unwrap, unwrapAll } from '../src/engine/ast.js';
import type { AnalyzedStatement } from '../src/types.js';

/** A feature of a statement with the first PostgreSQL major version that accepts it. */
interface Feature {
  feature: string;
  since: number;
}

function features(s: AnalyzedStatement): Feature[] {
  const out: Feature[] = [];
  if (s.kind === 'ReindexStmt' && unwrapAll(s.node.params, 'DefElem').some((p) => p.defname === 'concurrently'))
    out.push({ feature: 'REINDEX CONCURRENTLY', since: 12 });
  if (s.kind === 'IndexStmt') {
    if (s.node.nulls_not_distinct) out.push({ feature: 'NULLS NOT DISTINCT', since: 15 });
    if ((s.node.indexIncludingParams ?? []).length) out.push({ feature: 'CREATE INDEX … INCLUDE', since: 11 });
  }
  if (s.kind === 'MergeStmt') out.push({ feature: 'MERGE', since: 15 });
  for (const c of alterCmds(s)) {
    if (c.subtype === 'AT_DetachPartition' && unwrap(c.def, 'PartitionCmd')?.concurrent) out.push({ feature: 'DETACH PARTITION … CONCURRENTLY', since: 14 });
    if (c.subtype === 'AT_AddConstraint' && unwrap(c.def, 'Constraint')?.nulls_not_distinct) out.push({ feature: 'NULLS NOT DISTINCT', since: 15 });
    if (c.subtype === 'AT_AddColumn' && columnConstraints(unwrap(c.def, 'ColumnDef')).some((k) => k.contype === 'CONSTR_GENERATED'))
      out.push({ feature: 'generated columns', since: 12 });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'requires-newer-postgres',
    description: 'A statement the target PostgreSQL version (--pg-version, config pgVersion) does not accept: the migration fails at deploy time.',
    category: 'transactions',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {
      unsupported:
        '{{feature}} needs PostgreSQL {{since}} or later, and the target is PostgreSQL {{pgVersion}}: this statement fails with a syntax error when the migration is deployed.',
    },
    docs: {
      what: 'Flags syntax newer than the target PostgreSQL version: `REINDEX CONCURRENTLY` (12), `DETACH PARTITION … CONCURRENTLY` (14), `CREATE INDEX … INCLUDE` (11), generated columns (12), `NULLS NOT DISTINCT` and `MERGE` (15). The target is `--pg-version` or config `pgVersion` (default 15).',
      why: 'The server rejects the statement, so the migration fails when it is deployed — often after the statements before it already ran, when the tool does not wrap it in a transaction. The rules that recommend these forms (require-concurrent-reindex, require-concurrent-partition-detach) stay silent on older targets; this rule catches the forms written by hand or copied from newer docs.',
      invalid: [
        { code: 'REINDEX INDEX CONCURRENTLY idx_orders_customer;\n', pgVersion: 11 },
        { code: 'ALTER TABLE events DETACH PARTITION events_2023_01 CONCURRENTLY;\n', pgVersion: 13 },
      ],
      valid: [
        { title: 'PostgreSQL 11 has only the blocking form', code: 'REINDEX INDEX idx_orders_customer;\n', pgVersion: 11 },
        { code: 'REINDEX INDEX CONCURRENTLY idx_orders_customer;\n', pgVersion: 12 },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-reindex.html',
        'https://www.postgresql.org/docs/current/sql-altertable.html',
        'https://www.postgresql.org/support/versioning/',
      ],
    },
  },
  check(ctx) {
    const pgVersion = ctx.settings.pgVersion;
    for (const s of ctx.statements) {
      for (const f of features(s)) {
        if (pgVersion >= f.since) continue;
        ctx.report({
          statement: s,
          messageId: 'unsupported',
          data: { feature: f.feature, since: f.since, pgVersion },
          help: `Raise --pg-version (config pgVersion) if production runs PostgreSQL ${f.since} or later; otherwise use the older form.`,
        });
      }
    }
  },
});

import { defineRule } from '../src/engine/rule.js';
import { tableLabel } from '../src/engine/describe.js';
import { unwrap, unwrapAll } from '../src/sql/nodes.js';

export default defineRule({
  meta: {
    id: 'ban-vacuum-full-and-cluster',
    description: 'VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock.',
    category: 'locking',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {
      blocking:
        '{{statement}} {{table}} rewrites the whole table and its indexes while holding an ACCESS EXCLUSIVE lock: every SELECT, INSERT, UPDATE and DELETE waits until the copy is done.',
      everything: '{{statement}} without a table rewrites {{which}} in the database, each under an ACCESS EXCLUSIVE lock.',
    },
    docs: {
      what: 'Flags `VACUUM FULL` (also `VACUUM (FULL)`) and `CLUSTER`.',
      why: 'Both write a complete new copy of the table and rebuild its indexes while holding ACCESS EXCLUSIVE — nothing can read or write the table meanwhile — and need free disk space for the copy. Plain `VACUUM` (SHARE UPDATE EXCLUSIVE) reclaims space for reuse without blocking; to shrink a bloated table or reorder it online, use an extension such as pg_repack or pg_squeeze.',
      invalid: [
        { code: 'VACUUM FULL events;\n', tables: { events: { rows: 120_000_000, bytes: 54_000_000_000 } } },
        { code: 'CLUSTER orders USING orders_placed_at_idx;\n' },
      ],
      valid: [{ code: 'VACUUM (ANALYZE) events;\n' }],
      references: [
        'https://www.postgresql.org/docs/current/sql-vacuum.html',
        'https://www.postgresql.org/docs/current/sql-cluster.html',
        'https://www.postgresql.org/docs/current/routine-vacuuming.html',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      let statement: string;
      if (s.kind === 'VacuumStmt') {
        const full =
          s.node.is_vacuumcmd &&
          unwrapAll(s.node.options, 'DefElem').some(
            (o) =>
              o.defname === 'full' &&
              !/^(false|off|0)$/i.test(String(unwrap(o.arg, 'String')?.sval ?? unwrap(o.arg, 'Boolean')?.boolval ?? unwrap(o.arg, 'Integer')?.ival ?? 'true')),
          );
        if (!full) continue;
        statement = 'VACUUM FULL';
      } else if (s.kind === 'ClusterStmt') statement = 'CLUSTER';
      else continue;
      if (s.facts.tables.length === 0) {
        ctx.report({
          statement: s,
          messageId: 'everything',
          data: { statement, which: statement === 'CLUSTER' ? 'every previously clustered table' : 'every table' },
          help: 'Use pg_repack or pg_squeeze to rewrite tables online.',
        });
        continue;
      }
      const tables = s.facts.tables.filter((t) => t.sizeClass !== 'new');
      if (tables.length === 0) continue;
      ctx.report({
        statement: s,
        table: tables[0],
        messageId: 'blocking',
        data: { statement, table: tables.map(tableLabel).join(', ') },
        help: 'Use plain VACUUM, or pg_repack / pg_squeeze to rewrite the table online.',
      });
    }
  },
});

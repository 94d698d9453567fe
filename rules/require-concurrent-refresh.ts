import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { relationOf, relName } from '../src/engine/ast.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-refresh',
    description: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view until it is rebuilt.',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      blocking:
        'REFRESH MATERIALIZED VIEW {{view}} takes an ACCESS EXCLUSIVE lock on it for the whole rebuild: every SELECT on the view waits until the query behind it has run.',
    },
    docs: {
      what: 'Flags `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` on a view not created in the same migration (or created `WITH NO DATA`, which the concurrent form cannot refresh).',
      why: "A plain refresh runs the view's query and swaps in the result under ACCESS EXCLUSIVE: readers of the view wait for the whole query. `REFRESH MATERIALIZED VIEW CONCURRENTLY` takes EXCLUSIVE instead, which lets SELECTs go on; it needs a unique index on the view (that covers all rows, without WHERE) and the view to be populated already.",
      invalid: [{ code: 'REFRESH MATERIALIZED VIEW daily_sales_summary;\n' }],
      valid: [
        { code: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales_summary;\n' },
        {
          title: 'A view created in the same migration has no readers yet',
          code: 'CREATE MATERIALIZED VIEW customer_lifetime_value AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id WITH NO DATA;\nREFRESH MATERIALIZED VIEW customer_lifetime_value;\n',
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'RefreshMatViewStmt' || s.node.concurrent) continue;
      const view = relName(relationOf(s));
      if (!view || s.facts.viewCreatedEarlier) continue;
      ctx.report({
        statement: s,
        messageId: 'blocking',
        data: { view: displayName(view) },
        help: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index over all its rows).',
      });
    }
  },
});

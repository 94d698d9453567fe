import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';

export default defineRule({
  meta: {
    id: 'concurrent-index-invalid-leftover',
    description: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS skips the build when a failed earlier build left an INVALID index behind.',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'suggestion',
    messages: {
      leftover:
        'If a concurrent build of {{index}} fails or is cancelled, PostgreSQL leaves an INVALID index of that name behind, and IF NOT EXISTS then skips the rebuild: the index silently never works.',
      invalidNow:
        'An INVALID index {{index}} exists in the database right now (a failed concurrent build): IF NOT EXISTS will skip the build and leave it unusable.',
    },
    docs: {
      what: 'Flags `CREATE INDEX CONCURRENTLY IF NOT EXISTS name`. With a live database or stats snapshot, says when an INVALID index of that name exists now.',
      why: 'A concurrent build that fails (deadlock, unique violation, lock_timeout, a cancelled deploy) does not roll back: it leaves an INVALID index that the planner never uses but that is still maintained on every write. `IF NOT EXISTS` sees the name and does nothing, so the retry "succeeds" without an index.',
      invalid: [{ code: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user_created ON messages (user_id, created_at DESC);\n' }],
      valid: [
        {
          code: 'DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created;\nCREATE INDEX CONCURRENTLY idx_messages_user_created ON messages (user_id, created_at DESC);\n',
        },
      ],
      fixSafety: 'A suggestion: dropping the index first rebuilds an index that may already be valid, which costs a build.',
      references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'IndexStmt' || !s.node.concurrent || !s.node.if_not_exists || !s.node.idxname) continue;
      const rel = s.node.relation;
      const index = { schema: rel?.schemaname, name: s.node.idxname as string };
      const suggestions = [];
      const m = /\s+IF\s+NOT\s+EXISTS\b/i.exec(s.sql);
      if (m && s.item.kind === 'sql' && !s.item.exec.oneQuery) {
        const drop = ctx.fixer.fileEdit(s, { start: 0, end: 0, text: `DROP INDEX CONCURRENTLY IF EXISTS ${displayName(index)};${ctx.fixer.eol}` });
        const remove = ctx.fixer.fileEdit(s, { start: m.index, end: m.index + m[0].length, text: '' });
        if (drop && remove) suggestions.push({ description: 'Drop a leftover index first and build without IF NOT EXISTS', edits: [drop, remove] });
      }
      ctx.report({
        statement: s,
        messageId: ctx.catalog.isInvalidIndex(index) ? 'invalidNow' : 'leftover',
        data: { index: displayName(index) },
        suggestions,
      });
    }
  },
});

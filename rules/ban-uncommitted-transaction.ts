import { defineRule } from '../src/engine/rule.js';
import type { Edit, Fix } from '../src/types.js';

export default defineRule({
  meta: {
    id: 'ban-uncommitted-transaction',
    description: 'A BEGIN with no COMMIT or ROLLBACK after it.',
    category: 'transactions',
    defaultSeverity: 'error',
    fix: 'safe',
    messages: {
      uncommitted:
        'The transaction begun here is never committed: psql rolls it back at the end of the file, and a runner that reuses the connection leaves it open, holding every lock it took.',
    },
    docs: {
      what: 'Flags a BEGIN / START TRANSACTION that no COMMIT or ROLLBACK closes before the end of the migration.',
      why: 'psql -f ends the session and rolls the work back — the migration silently did nothing. A runner that keeps the connection keeps the transaction open, with all its locks, until something else commits or the connection dies.',
      invalid: [{ code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\n', fixed: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n' }],
      valid: [{ code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n' }],
      fixSafety:
        'Appends COMMIT after the last statement of the file: what the author meant when the migration was tested with a tool that commits at the end.',
      references: ['https://www.postgresql.org/docs/current/sql-begin.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.facts.txProblem !== 'never-committed') continue;
      const last = ctx.statements[ctx.statements.length - 1]!;
      let fix: Fix | undefined;
      // The COMMIT goes after the last statement and the comment that ends its line; a missing `;` is added.
      // Edits at the same offset apply in list order: the `;` first.
      const at = ctx.fixer.afterStatement(last);
      const edits =
        last.chunkSpanWithSemicolon.end === last.chunkSpan.end ? [ctx.fixer.fileEdit(last, { start: last.sql.length, end: last.sql.length, text: ';' })] : [];
      edits.push(ctx.fixer.fileEdit(last, { start: at, end: at, text: `${ctx.fixer.eol}COMMIT;` }));
      if (last.item.kind === 'sql' && edits.every((e) => e !== null)) fix = { description: 'Append COMMIT', edits: edits as Edit[] };
      ctx.report({ statement: s, messageId: 'uncommitted', fix });
    }
  },
});

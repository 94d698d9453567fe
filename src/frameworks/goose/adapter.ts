import { eolOf } from '../../engine/fixer.js';
import type { ExecutionContext, SqlChunk } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, lines, inItem, harmlessOutside } from '../../sources/sql-common.js';

/** goose: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

const GOOSE_ANNOTATION = /^\s*--\s*\+goose\s+(up|down|statementbegin|statementend|no\s+transaction|envsub\s+on|envsub\s+off)\b/i;
const GOOSE_REASON = 'goose runs each migration in a transaction';

export const gooseAdapter: FrameworkAdapter = {
  id: 'goose',
  name: 'goose',
  commentPrefix: '--',
  extract(file, ctx) {
    const all = lines(file.text);
    const noTx = all.some((l) => /^\s*--\s*\+goose\s+no\s+transaction\b/i.test(l.text));
    const hasUp = all.some((l) => /^\s*--\s*\+goose\s+up\b/i.test(l.text));
    const plain: ExecutionContext = noTx
      ? { wrapped: false, reason: 'goose runs this migration without a transaction (-- +goose NO TRANSACTION)', oneQuery: false }
      : { wrapped: true, reason: GOOSE_REASON, oneQuery: false };
    const block: ExecutionContext = {
      ...plain,
      oneQuery: true,
      reason: noTx ? 'goose sends the StatementBegin … StatementEnd block as one query' : GOOSE_REASON,
    };
    const items: SqlChunk[] = [];
    let section: 'none' | 'up' | 'down' = hasUp ? 'none' : 'up';
    let inBlock = false;
    let regionStart = 0;
    let downStarted = false;
    const close = (end: number) => {
      const keep = section === 'up' || (section === 'down' && ctx.settings.includeDown);
      if (!keep || end <= regionStart) return;
      const exec = inBlock ? block : plain;
      // The Down section runs on rollback, on its own: nothing of the Up section carries over.
      const first = section === 'down' && !downStarted;
      if (section === 'down') downStarted = true;
      items.push(slice(file, regionStart, end, first ? { ...exec, separateRun: true } : exec));
    };
    for (const l of all) {
      const m = GOOSE_ANNOTATION.exec(l.text);
      if (!m) continue;
      close(l.start);
      const a = m[1]!.toLowerCase().replace(/\s+/g, ' ');
      if (a === 'up') section = 'up';
      else if (a === 'down') section = 'down';
      else if (a === 'statementbegin') inBlock = true;
      else if (a === 'statementend') inBlock = false;
      regionStart = l.next;
    }
    close(file.text.length);
    return unit(file, 'goose', items);
  },
  escapeTransaction(stmt, unit, statements) {
    const block = inItem(stmt, statements);
    if (stmt.item.exec.oneQuery && block.length > 1) {
      return {
        kind: 'manual',
        help: 'goose sends a StatementBegin … StatementEnd block as one query: take this statement out of the block and add -- +goose NO TRANSACTION.',
      };
    }
    if (!stmt.item.exec.wrapped) return null;
    const text = unit.file.text;
    const up = lines(text).find((l) => /^\s*--\s*\+goose\s+up\b/i.test(l.text));
    const at = up ? up.start : 0;
    const others = statements.filter((s) => s !== stmt && !harmlessOutside(s));
    return {
      kind: others.length === 0 ? 'fix' : 'suggestion',
      description:
        others.length === 0
          ? 'Add -- +goose NO TRANSACTION'
          : `Add -- +goose NO TRANSACTION (the other ${others.length} statement(s) of this migration then run without a transaction too; or move this statement into its own migration)`,
      edits: [{ start: at, end: at, text: `-- +goose NO TRANSACTION${eolOf(text)}` }],
    };
  },
};

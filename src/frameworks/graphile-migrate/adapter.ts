import { eolOf } from '../../engine/fixer.js';
import type { ExecutionContext } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, lines, OWN_MIGRATION } from '../../sources/sql-common.js';

/** graphile-migrate: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

/** Where the migration body starts: after the `--! Key: value` headers of a committed migration and one blank line. */
function graphileBodyStart(text: string): number {
  const ls = lines(text);
  let i = 0;
  while (i < ls.length && /^--! [A-Za-z]+:/.test(ls[i]!.text)) i++;
  if (i === 0) return 0;
  if (i < ls.length && ls[i]!.text.trim() === '') i++;
  return i < ls.length ? ls[i]!.start : text.length;
}

export const graphileAdapter: FrameworkAdapter = {
  id: 'graphile-migrate',
  name: 'graphile-migrate',
  commentPrefix: '--',
  extract(file) {
    const body = graphileBodyStart(file.text);
    const noTx = /^--!\s*no-transaction\b/.test(file.text.slice(body));
    const exec: ExecutionContext = noTx
      ? { wrapped: false, reason: 'graphile-migrate sends the migration as one query', oneQuery: true }
      : { wrapped: true, reason: 'graphile-migrate runs each migration in a transaction', oneQuery: true };
    return unit(file, 'graphile-migrate', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements) {
    const alone = statements.length === 1;
    const committed = graphileBodyStart(unit.file.text) > 0;
    if (!alone) {
      return {
        kind: 'manual',
        help: `graphile-migrate sends a migration as one query, so --! no-transaction works only for a migration of exactly one statement. ${OWN_MIGRATION} starting with --! no-transaction.`,
      };
    }
    if (!stmt.item.exec.wrapped) return null;
    if (committed) {
      return {
        kind: 'manual',
        help: "Add --! no-transaction as the first line of the migration body: a committed migration's hash then changes, so uncommit it (graphile-migrate uncommit), add the line to current.sql and commit again.",
      };
    }
    return {
      kind: 'fix',
      description: 'Add --! no-transaction as the first line',
      edits: [{ start: 0, end: 0, text: `--! no-transaction${eolOf(unit.file.text)}` }],
    };
  },
};

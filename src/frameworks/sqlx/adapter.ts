import { eolOf } from '../../engine/fixer.js';
import type { ExecutionContext } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, OWN_MIGRATION } from '../../sources/sql-common.js';

/** sqlx: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

export const sqlxAdapter: FrameworkAdapter = {
  id: 'sqlx',
  name: 'sqlx',
  commentPrefix: '--',
  extract(file, ctx) {
    if (/\.down\.sql$/i.test(file.path) && !ctx.settings.includeDown) return unit(file, 'sqlx', []);
    // sqlx: `no_tx = sql.starts_with("-- no-transaction")`; the file is executed as one simple query.
    const noTx = file.text.startsWith('-- no-transaction');
    const exec: ExecutionContext = noTx
      ? { wrapped: false, reason: 'sqlx sends the migration as one query', oneQuery: true }
      : { wrapped: true, reason: 'sqlx runs each migration in a transaction', oneQuery: true };
    return unit(file, 'sqlx', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements) {
    if (statements.length > 1) {
      return {
        kind: 'manual',
        help: `sqlx sends a migration as one query, so -- no-transaction works only for a migration of one statement. ${OWN_MIGRATION} (sqlx migrate add …) that starts with -- no-transaction.`,
      };
    }
    if (!stmt.item.exec.wrapped) return null;
    return {
      kind: 'fix',
      description: 'Start the file with -- no-transaction',
      edits: [{ start: 0, end: 0, text: `-- no-transaction${eolOf(unit.file.text)}` }],
    };
  },
};

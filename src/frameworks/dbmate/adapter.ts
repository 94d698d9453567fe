import type { Edit, ExecutionContext, SqlChunk } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, inItem, OWN_MIGRATION } from '../../sources/sql-common.js';

/** dbmate: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

const DBMATE_UP = /^--[ \t]*migrate:up(?:[ \t]+([^\r\n]*?))?[ \t]*(?=\r?\n|$)/m;
const DBMATE_DOWN = /^--[ \t]*migrate:down(?:[ \t]+([^\r\n]*?))?[ \t]*(?=\r?\n|$)/m;

function dbmateExec(options: string | undefined, section: 'up' | 'down'): ExecutionContext {
  const noTx = /(?:^|\s)transaction:false(?:\s|$)/.test(options ?? '');
  return noTx
    ? { wrapped: false, reason: `dbmate sends the migrate:${section} section as one query`, oneQuery: true }
    : { wrapped: true, reason: `dbmate runs the migrate:${section} section in a transaction`, oneQuery: true };
}

export const dbmateAdapter: FrameworkAdapter = {
  id: 'dbmate',
  name: 'dbmate',
  commentPrefix: '--',
  extract(file, ctx) {
    const text = file.text;
    const up = DBMATE_UP.exec(text);
    const down = DBMATE_DOWN.exec(text);
    const items: SqlChunk[] = [];
    if (!up) {
      // dbmate refuses such a file; lint it whole as an up section so nothing is skipped.
      items.push(slice(file, 0, text.length, dbmateExec(undefined, 'up')));
      return unit(file, 'dbmate', items);
    }
    const upStart = up.index + up[0].length;
    const upEnd = down && down.index > up.index ? down.index : text.length;
    items.push(slice(file, upStart, upEnd, dbmateExec(up[1], 'up')));
    if (down && down.index > up.index && ctx.settings.includeDown) {
      items.push(slice(file, down.index + down[0].length, text.length, { ...dbmateExec(down[1], 'down'), separateRun: true }));
    }
    return unit(file, 'dbmate', items);
  },
  escapeTransaction(stmt, unit, statements) {
    const section = inItem(stmt, statements);
    if (section.length > 1) {
      return {
        kind: 'manual',
        help: `dbmate sends a whole section as one query, so even with transaction:false its ${section.length} statements run as one implicit transaction. ${OWN_MIGRATION} (dbmate new …) whose section is -- migrate:up transaction:false, one CONCURRENTLY statement per migration.`,
      };
    }
    if (!stmt.item.exec.wrapped) return null;
    const text = unit.file.text;
    const re = stmt.item.exec.reason.includes('migrate:down') ? DBMATE_DOWN : DBMATE_UP;
    const m = re.exec(text);
    if (!m) return null;
    const lineEnd = m.index + m[0].length;
    const opts = m[1];
    const edits: Edit[] = [];
    const existing = opts ? /transaction:\S*/.exec(opts) : null;
    if (existing && opts) {
      const optStart = m.index + m[0].indexOf(opts);
      edits.push({ start: optStart + existing.index, end: optStart + existing.index + existing[0].length, text: 'transaction:false' });
    } else {
      const trimmedEnd = m.index + m[0].replace(/[ \t]+$/, '').length;
      edits.push({ start: trimmedEnd, end: lineEnd, text: ' transaction:false' });
    }
    return { kind: 'fix', description: 'Run the section without a transaction (transaction:false)', edits };
  },
};

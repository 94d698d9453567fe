import { eolOf } from '../../engine/fixer.js';
import type { Edit, ExecutionContext } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, lines, harmlessOutside } from '../../sources/sql-common.js';

/** Atlas: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

/** The `-- atlas:txmode` directive in the file header (the comment lines before the first statement). */
function atlasTxMode(text: string): string | undefined {
  for (const l of lines(text)) {
    const t = l.text.trim();
    if (t === '') continue;
    if (!t.startsWith('--')) break;
    const m = /^--\s*atlas:txmode\s+(\S+)/.exec(t);
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

export const atlasAdapter: FrameworkAdapter = {
  id: 'atlas',
  name: 'Atlas',
  commentPrefix: '--',
  extract(file, ctx) {
    const mode = atlasTxMode(file.text);
    let exec: ExecutionContext;
    if (mode === 'none') exec = { wrapped: false, reason: 'Atlas runs this file without a transaction (-- atlas:txmode none)', oneQuery: false };
    else if (mode === 'all') exec = { wrapped: true, reason: 'Atlas runs all pending files in one transaction (-- atlas:txmode all)', oneQuery: false };
    else {
      if (mode !== undefined && mode !== 'file') ctx.warn(`Atlas directive -- atlas:txmode ${mode} is not none, file or all; assuming Atlas's default (file).`);
      exec = { wrapped: true, reason: 'Atlas runs each migration file in a transaction', oneQuery: false };
    }
    return unit(file, 'atlas', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements) {
    if (!stmt.item.exec.wrapped) return null;
    const text = unit.file.text;
    const eol = eolOf(text);
    const others = statements.filter((s) => s !== stmt && !harmlessOutside(s));
    const existing = /^--\s*atlas:txmode\s+\S+/m.exec(text);
    const edits: Edit[] = existing
      ? [{ start: existing.index, end: existing.index + existing[0].length, text: '-- atlas:txmode none' }]
      : [{ start: 0, end: 0, text: `-- atlas:txmode none${eol}${eol}` }];
    return {
      kind: 'suggestion',
      description: `Run the file without a transaction (-- atlas:txmode none), then re-hash with atlas migrate hash${others.length ? `; the other ${others.length} statement(s) of this file then run without a transaction too` : ''}`,
      edits,
    };
  },
};

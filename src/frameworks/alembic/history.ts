import path from 'node:path';
import { topo } from '../../project/graph.js';
import type { HistoryFile, OrderWarning } from '../types.js';

/** Alembic's revision graph: `revision`, `down_revision`, `depends_on` and `branch_labels`, read from each file. */

const PY_STR = /(['"])((?:\\.|(?!\1).)*)\1/g;

function pyStrings(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(PY_STR)].map((m) => m[2]!);
}

/** `name = value` at module level (Alembic), with an optional annotation. */
function pyAssignment(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}\\s*(?::[^=\\n]+)?=\\s*(.+)$`, 'm').exec(text);
  if (!m) return undefined;
  let value = m[1]!;
  // A tuple or list may span lines.
  if (/^[([]/.test(value.trim()) && !/[)\]]\s*(#.*)?$/.test(value.trim())) {
    const start = m.index + m[0].length - m[1]!.length;
    const close = text.indexOf(value.trim()[0] === '(' ? ')' : ']', start);
    value = close > 0 ? text.slice(start, close + 1) : value;
  }
  return value.replace(/#.*$/m, '');
}

export function alembicOrder(group: HistoryFile[], warnings: OrderWarning[]): string[] {
  const nodes = new Map<string, { file: string; parents: string[] }>();
  const byFile = new Map<string, string>();
  const branchLabels = new Map<string, string>();
  for (const f of group) {
    const rev = pyStrings(pyAssignment(f.text, 'revision'))[0];
    if (!rev) {
      warnings.push({
        file: f.path,
        message: `${path.basename(f.path)} has no \`revision = '…'\`: migralint cannot place it in the Alembic history and replays it last`,
      });
      continue;
    }
    const down = pyStrings(pyAssignment(f.text, 'down_revision'));
    const deps = pyStrings(pyAssignment(f.text, 'depends_on'));
    for (const label of pyStrings(pyAssignment(f.text, 'branch_labels'))) branchLabels.set(label, rev);
    if (nodes.has(rev))
      warnings.push({
        file: f.path,
        message: `revision ${rev} is also defined in ${path.basename(nodes.get(rev)!.file)}: Alembic refuses duplicate revisions`,
      });
    nodes.set(rev, { file: f.path, parents: [...down, ...deps] });
    byFile.set(f.path, rev);
  }
  // depends_on may name a branch label.
  for (const n of nodes.values()) n.parents = n.parents.map((p) => (nodes.has(p) ? p : (branchLabels.get(p) ?? p)));
  const children = new Set<string>();
  for (const [rev, n] of nodes) {
    for (const p of n.parents) {
      if (nodes.has(p)) children.add(p);
      else
        warnings.push({
          file: n.file,
          message: `revision ${rev} names ${p} as its parent, but no migration here defines ${p}: the history is incomplete, and migralint replays ${path.basename(n.file)} without what ${p} did`,
        });
    }
  }
  const heads = [...nodes.entries()].filter(([rev]) => !children.has(rev));
  if (heads.length > 1 && branchLabels.size === 0) {
    const last = heads
      .map(([, n]) => n.file)
      .sort()
      .at(-1)!;
    warnings.push({
      file: last,
      message: `the Alembic history has ${heads.length} heads (${heads.map(([r]) => r).join(', ')}): \`alembic upgrade head\` refuses to run until a merge migration joins them`,
    });
  }
  const ordered = topo(nodes, warnings, 'Alembic revision');
  for (const f of group) if (!byFile.has(f.path)) ordered.push(f.path);
  return ordered;
}

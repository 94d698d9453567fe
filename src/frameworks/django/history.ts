import path from 'node:path';
import { topo } from '../../project/graph.js';
import type { HistoryFile, OrderWarning } from '../types.js';

/** Django's migration graph: each migration's `dependencies` (and `replaces`), across the project's apps. */

function djangoApp(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'migrations' ? path.basename(path.dirname(dir)) : path.basename(dir);
}

export function djangoOrder(group: HistoryFile[], warnings: OrderWarning[], readFile: (p: string) => string | undefined): string[] {
  const dirOf = new Map(group.map((f) => [djangoApp(f.path), path.dirname(f.path)]));
  const nodes = new Map<string, { file: string; parents: string[] }>();
  const apps = new Map<string, string[]>();
  const info: Array<{ id: string; file: string; deps: Array<[string, string]>; replaces: Array<[string, string]> }> = [];
  for (const f of group) {
    const app = djangoApp(f.path);
    const name = path.basename(f.path, '.py');
    const id = `${app}.${name}`;
    const list = (field: string): Array<[string, string]> => {
      const m = new RegExp(`^\\s*${field}\\s*=\\s*[[(]`, 'm').exec(f.text);
      if (!m) return [];
      // The list runs to the bracket that closes it.
      let depth = 0;
      let end = m.index + m[0].length - 1;
      for (; end < f.text.length; end++) {
        const ch = f.text[end];
        if (ch === '[' || ch === '(') depth++;
        else if (ch === ']' || ch === ')') depth--;
        if (depth === 0) break;
      }
      const body = f.text.slice(m.index + m[0].length, end);
      return [...body.matchAll(/\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)/g)].map((x) => [x[2]!, x[4]!] as [string, string]);
    };
    info.push({ id, file: f.path, deps: list('dependencies'), replaces: list('replaces') });
    apps.set(app, [...(apps.get(app) ?? []), name]);
  }
  const present = new Set(info.map((i) => i.id));
  for (const i of info) {
    // A squashed migration whose originals are all here: Django uses one or the other; migralint replays the originals.
    if (i.replaces.length && i.replaces.every(([a, n]) => present.has(`${a}.${n}`))) continue;
    const parents: string[] = [];
    for (const [app, name] of i.deps) {
      const names = apps.get(app);
      if (!names) continue; // an app outside the project (django.contrib.auth …): its tables are unknown
      if (name === '__first__') parents.push(`${app}.${names.slice().sort()[0]}`);
      else if (name === '__latest__') parents.push(`${app}.${names.slice().sort().at(-1)}`);
      else if (present.has(`${app}.${name}`)) parents.push(`${app}.${name}`);
      // A migration file read but not discovered (no number in its name) is there: only a missing one is a problem.
      else if (readFile(path.join(dirOf.get(app)!, `${name}.py`)) === undefined) warnings.push({ file: i.file, message: `${i.id} depends on ${app}.${name}, which is not in ${app}/migrations: the history is incomplete` });
    }
    nodes.set(i.id, { file: i.file, parents });
  }
  const ordered = topo(nodes, warnings, 'Django dependency');
  return ordered;
}

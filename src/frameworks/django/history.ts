import path from 'node:path';
import { topo } from '../../project/graph.js';
import type { HistoryFile, OrderWarning } from '../types.js';

/** Django's migration graph: each migration's `dependencies` (and `replaces`), across the project's apps. */

function djangoApp(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'migrations' ? path.basename(path.dirname(dir)) : path.basename(dir);
}

/** The `(app, name)` pairs of a migration's `dependencies` or `replaces` list. */
function list(text: string, field: string): Array<[string, string]> {
  const m = new RegExp(`^\\s*${field}\\s*=\\s*[[(]`, 'm').exec(text);
  if (!m) return [];
  // The list runs to the bracket that closes it.
  let depth = 0;
  let end = m.index + m[0].length - 1;
  for (; end < text.length; end++) {
    const ch = text[end];
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    if (depth === 0) break;
  }
  const body = text.slice(m.index + m[0].length, end);
  return [...body.matchAll(/\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)/g)].map((x) => [x[2]!, x[4]!] as [string, string]);
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
    info.push({ id, file: f.path, deps: list(f.text, 'dependencies'), replaces: list(f.text, 'replaces') });
    apps.set(app, [...(apps.get(app) ?? []), name]);
  }
  const present = new Set(info.map((i) => i.id));
  for (const i of info) {
    // A squashed migration whose originals are all here: Django uses one or the other; migralint replays the originals.
    if (i.replaces.length && i.replaces.every(([a, n]) => present.has(`${a}.${n}`))) continue;
    const parents: string[] = [];
    const seen = new Set<string>();
    const follow = (deps: Array<[string, string]>): void => {
      for (const [app, name] of deps) {
        const names = apps.get(app);
        if (!names) continue; // an app outside the project (django.contrib.auth …): its tables are unknown
        if (name === '__first__') parents.push(`${app}.${names.slice().sort()[0]}`);
        else if (name === '__latest__') parents.push(`${app}.${names.slice().sort().at(-1)}`);
        else if (present.has(`${app}.${name}`)) parents.push(`${app}.${name}`);
        else if (!seen.has(`${app}.${name}`)) {
          seen.add(`${app}.${name}`);
          // A migration file read but not discovered (no number in its name, like fix_empty_data_in_lines.py) is
          // there: its own dependencies order this one. Only a missing one is a problem.
          const text = readFile(path.join(dirOf.get(app)!, `${name}.py`));
          if (text === undefined)
            warnings.push({ file: i.file, message: `${i.id} depends on ${app}.${name}, which is not in ${app}/migrations: the history is incomplete` });
          else follow(list(text, 'dependencies'));
        }
      }
    };
    follow(i.deps);
    nodes.set(i.id, { file: i.file, parents });
  }
  const ordered = topo(nodes, warnings, 'Django dependency');
  return ordered;
}

/** `initial = True` written in the Migration class: makemigrations' mark on the migrations of an app's first run. */
const INITIAL = /^[ \t]+initial\s*=\s*True\b/m;
const RUNS_PYTHON = /\bRunPython\s*\(/;

/**
 * The migrations of an app's first makemigrations run: Django marks every migration it writes for an app that has
 * none yet `initial = True` (more than one when foreign keys between apps must wait for another app's tables: the
 * second adds them), and they reach every database together, in one `migrate`. So a table one of them created is
 * empty when a later one of the same app alters it, unless something wrote rows in between: migralint's replay sees
 * INSERTs (RunSQL), not Python, so a RunPython in a file from the creating migration to this one (in history order,
 * any app) ends the set. Only files marked `initial = True` themselves count: Django also takes an app's first
 * migration for initial without the mark, but then nothing says a later one came with it. Not covered: `migrate
 * --fake-initial` on a database whose tables already exist runs a later initial migration on full tables when its
 * columns are missing.
 */
export function djangoTogether(files: HistoryFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  files.forEach((f, i) => {
    if (!INITIAL.test(f.text) || RUNS_PYTHON.test(f.text)) return;
    const app = djangoApp(f.path);
    const earlier: string[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const e = files[j]!;
      if (RUNS_PYTHON.test(e.text)) break;
      if (djangoApp(e.path) === app && INITIAL.test(e.text)) earlier.push(e.path);
    }
    if (earlier.length) out.set(f.path, earlier.reverse());
  });
  return out;
}

import path from 'node:path';
import { topo } from '../../project/graph.js';
import type { FileSystem } from '../../fs.js';
import type { HistoryFile, OrderWarning } from '../types.js';
import { djangoModelSetting } from './settings.js';

/** Django's migration graph: each migration's `dependencies` (and `replaces`), across the project's apps. */

function djangoApp(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'migrations' ? path.basename(path.dirname(dir)) : path.basename(dir);
}

/** The text inside a migration's `dependencies` or `replaces` list, or undefined without one. */
function listBody(text: string, field: string): string | undefined {
  // Most migrations have no `replaces`: the line-by-line search of the whole file is not run for a name it lacks.
  if (!text.includes(field)) return undefined;
  const m = new RegExp(`^\\s*${field}\\s*=\\s*[[(]`, 'm').exec(text);
  if (!m) return undefined;
  // The list runs to the bracket that closes it.
  let depth = 0;
  let end = m.index + m[0].length - 1;
  for (; end < text.length; end++) {
    const ch = text[end];
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    if (depth === 0) break;
  }
  return text.slice(m.index + m[0].length, end);
}

/** The `(app, name)` pairs of a migration's `dependencies` or `replaces` list. */
function list(text: string, field: string): Array<[string, string]> {
  const body = listBody(text, field);
  if (body === undefined) return [];
  return [...body.matchAll(/\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)/g)].map((x) => [x[2]!, x[4]!] as [string, string]);
}

/**
 * The `migrations.swappable_dependency(settings.AUTH_USER_MODEL)` entries of a migration's dependencies: the
 * settings they name (or the `"app.Model"` written in place of one). Django turns each into a dependency on the
 * `__first__` migration of the model's app.
 */
function swappableDependencies(text: string): Array<{ setting: string } | { model: string }> {
  const body = listBody(text, 'dependencies');
  if (!body?.includes('swappable_dependency')) return [];
  return [...body.matchAll(/swappable_dependency\(\s*(?:settings\.(\w+)|(['"])(\w+\.\w+)\2)\s*\)/g)].map((x) => (x[1] ? { setting: x[1] } : { model: x[3]! }));
}

export function djangoOrder(group: HistoryFile[], warnings: OrderWarning[], readFile: (p: string) => string | undefined): string[] {
  // The settings a swappable dependency names, read from the project's settings module (found from manage.py).
  const files: FileSystem = { readFile, exists: (p) => readFile(p) !== undefined, listDir: () => undefined };
  const settingApp = new Map<string, string | undefined>();
  const appOfSetting = (setting: string, from: string): string | undefined => {
    if (!settingApp.has(setting)) {
      const model = djangoModelSetting(from, files, setting, setting === 'AUTH_USER_MODEL' ? 'auth.user' : undefined);
      settingApp.set(setting, model?.key.split('.')[0]);
    }
    return settingApp.get(setting);
  };
  const dirOf = new Map(group.map((f) => [djangoApp(f.path), path.dirname(f.path)]));
  const nodes = new Map<string, { file: string; parents: string[] }>();
  const apps = new Map<string, string[]>();
  const info: Array<{ id: string; file: string; deps: Array<[string, string]>; replaces: Array<[string, string]> }> = [];
  for (const f of group) {
    const app = djangoApp(f.path);
    const name = path.basename(f.path, '.py');
    const id = `${app}.${name}`;
    const deps = list(f.text, 'dependencies');
    for (const d of swappableDependencies(f.text)) {
      const app = 'setting' in d ? appOfSetting(d.setting, f.path) : d.model.split('.')[0]!.toLowerCase();
      if (app) deps.push([app, '__first__']);
    }
    info.push({ id, file: f.path, deps, replaces: list(f.text, 'replaces') });
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
        // Django ignores __first__ / __latest__ of the migration's own app (MigrationLoader.check_key, #22325): the
        // user model's app's own first migration says swappable_dependency(settings.AUTH_USER_MODEL) too.
        if ((name === '__first__' || name === '__latest__') && app === djangoApp(i.file)) continue;
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
 * For each migration, the earlier ones every database runs in the same `migrate` as it (history.deployedTogether):
 * an app's split initial migrations (initialTogether) and a squash whose originals are gone (squashTogether).
 */
export function djangoTogether(files: HistoryFile[]): Map<string, string[]> {
  const out = initialTogether(files);
  const order = new Map(files.map((f, i) => [f.path, i]));
  for (const [file, earlier] of squashTogether(files)) {
    const both = new Set([...(out.get(file) ?? []), ...earlier]);
    out.set(
      file,
      [...both].sort((a, b) => order.get(a)! - order.get(b)!),
    );
  }
  return out;
}

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
 *
 * Two apps' initial sets join when they were written in one run, which the split itself proves: app B's initial
 * migration depends on one of app A's, and a later initial migration of A depends on B's (Django splits A's first
 * migration so that B's tables exist before A's foreign keys to them). B's runs between two of A's, which run in one
 * `migrate`: so does B's, and the tables either created are new to the other. A new app's initial migration that
 * only references an existing app's table is not joined: an app added to a project years later is written the same
 * way, and its foreign keys lock tables in use.
 */
function initialTogether(files: HistoryFile[]): Map<string, string[]> {
  const initial = files.filter((f) => INITIAL.test(f.text));
  const idOf = (f: HistoryFile) => `${djangoApp(f.path)}.${path.basename(f.path, '.py')}`;
  const byId = new Map(initial.map((f) => [idOf(f), f]));
  // Each app's initial migrations are one set; sets join by app (union-find over app labels).
  const parent = new Map<string, string>();
  const find = (app: string): string => {
    let root = app;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  for (const f of initial) {
    const a = djangoApp(f.path);
    for (const [b, name] of list(f.text, 'dependencies')) {
      const other = b === a ? undefined : byId.get(`${b}.${name}`);
      if (!other) continue;
      // B's initial migration itself waited for another of A's initial migrations: it runs between the two.
      const between = list(other.text, 'dependencies').some(([app, n]) => app === a && `${a}.${n}` !== idOf(f) && byId.has(`${a}.${n}`));
      if (between && find(a) !== find(b)) parent.set(find(b), find(a));
    }
  }
  const out = new Map<string, string[]>();
  files.forEach((f, i) => {
    if (!INITIAL.test(f.text) || RUNS_PYTHON.test(f.text)) return;
    const set = find(djangoApp(f.path));
    const earlier: string[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const e = files[j]!;
      if (RUNS_PYTHON.test(e.text)) break;
      if (INITIAL.test(e.text) && find(djangoApp(e.path)) === set) earlier.push(e.path);
    }
    if (earlier.length) out.set(f.path, earlier.reverse());
  });
  return out;
}

/**
 * Squashed migrations whose originals are gone. Django records a squashed migration as applied on every database
 * that ran all the migrations it `replaces`, and by the time those files may be deleted every database has (Django's
 * documented procedure: deploy the squash beside them first); with any of them applied and the rest missing,
 * `migrate` fails. So such a migration only ever runs where none of them ran: a new database, in the same `migrate`
 * as every migration before it, whose tables are then empty, unless something wrote rows: migralint's replay sees
 * INSERTs (RunSQL), not Python, so a RunPython in the squash or in an earlier file ends the set there. Not covered: a
 * database last migrated before the first replaced migration was written, which runs the squash on its old tables.
 */
export function squashTogether(files: HistoryFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const alone = squashesAlone(files);
  files.forEach((f, i) => {
    if (!alone.has(f.path) || RUNS_PYTHON.test(f.text)) return;
    const earlier: string[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const e = files[j]!;
      if (RUNS_PYTHON.test(e.text)) break;
      earlier.push(e.path);
    }
    if (earlier.length) out.set(f.path, earlier.reverse());
  });
  return out;
}

/** The squashed migrations whose originals are all gone from the project. */
function squashesAlone(files: HistoryFile[]): Set<string> {
  const present = new Set(files.map((f) => `${djangoApp(f.path)}.${path.basename(f.path, '.py')}`));
  const out = new Set<string>();
  for (const f of files) {
    const replaces = list(f.text, 'replaces');
    if (replaces.length && !replaces.some(([a, n]) => present.has(`${a}.${n}`))) out.add(f.path);
  }
  return out;
}

/**
 * The migrations Django only ever runs on a new database (history.newDatabaseOnly): squashes whose originals are
 * gone. For the reason squashTogether gives (Django's documented procedure deletes the originals only once every
 * database ran them), such a squash runs only where none of them ran. A RunPython does not matter here: what it
 * writes makes tables non-empty, but no application uses a database that is still being built, so none of the
 * squash's locks waits behind another session. Not covered, as there: a database last migrated before the first
 * replaced migration was written (an upgrade that skips the release the originals shipped in).
 */
export function djangoNewDatabaseOnly(files: HistoryFile[]): Set<string> {
  return squashesAlone(files);
}

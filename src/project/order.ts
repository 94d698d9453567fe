/**
 * The history of each project, in the order its tool applies it: version numbers in file names (golang-migrate,
 * goose, dbmate, Flyway, Diesel, sqlx, Supabase, Atlas, graphile-migrate, the JS tools), folder names (Prisma,
 * Drizzle v1), Drizzle's meta/_journal.json, sqitch.plan, Alembic's revision graph and Django's dependencies.
 * A history that cannot be ordered (a missing parent, two heads, a cycle) gives one warning naming the file, and
 * the files are still ordered as well as can be and linted.
 */
import path from 'node:path';
import type { FrameworkId } from '../types.js';

export interface HistoryFile {
  path: string;
  text: string;
  framework: FrameworkId;
}

export interface Project {
  /** The folder the tool reads (or the Django project: all apps together). */
  root: string;
  framework: FrameworkId;
  /** Up migrations in the order the tool applies them. */
  files: string[];
}

export interface OrderWarning {
  file: string;
  message: string;
}

export interface History {
  projects: Project[];
  warnings: OrderWarning[];
}

const posix = (p: string) => p.split(path.sep).join('/');

/** Down migrations, sqitch revert/verify scripts: never part of the history that builds the schema. */
export function isDownOrSideScript(file: string): boolean {
  const p = posix(file);
  return /\.down\.sql$|(^|\/)down\.sql$|\/(revert|verify)\/[^/]+\.sql$/.test(p) || /(^|\/)U\d[^/]*__[^/]*\.sql$/.test(p);
}

/** Files named by their folder (Diesel's up.sql, Prisma's and Drizzle v1's migration.sql). */
function folderNamed(file: string): boolean {
  return /^(up|migration)\.sql$/.test(path.basename(file));
}

function rootOf(f: HistoryFile): string {
  if (f.framework === 'django') return 'django';
  if (f.framework === 'sqitch') {
    const dir = path.dirname(f.path);
    return path.basename(dir) === 'deploy' ? path.dirname(dir) : dir;
  }
  return folderNamed(f.path) ? path.dirname(path.dirname(f.path)) : path.dirname(f.path);
}

/** The folders whose migrations form the history of these files: where to look for the ones not named. */
export function historyFolders(files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    if (isDownOrSideScript(f)) continue;
    out.add(folderNamed(f) ? path.dirname(path.dirname(f)) : path.dirname(f));
  }
  return [...out];
}

/** The name that carries the version: the folder for folder-named files, else the file. */
function versionName(file: string): string {
  return folderNamed(file) ? path.basename(path.dirname(file)) : path.basename(file);
}

/** Flyway V1.2__x → [1, 2]; a leading number (dates with dashes as one) otherwise; none → undefined. */
function versionParts(name: string, framework: FrameworkId): bigint[] | undefined {
  if (framework === 'flyway') {
    const m = /^[VB](\d+(?:[._]\d+)*)__/i.exec(name);
    if (m) return m[1]!.split(/[._]/).map((x) => BigInt(x));
    return /^R__/i.test(name) ? undefined : undefined;
  }
  const m = /^(\d[\d-]*)/.exec(name);
  if (!m) return undefined;
  const digits = m[1]!.replace(/-/g, '');
  return digits ? [BigInt(digits)] : undefined;
}

function compareVersions(a: string, b: string, framework: FrameworkId): number {
  const va = versionParts(versionName(a), framework);
  const vb = versionParts(versionName(b), framework);
  if (va && vb) {
    for (let i = 0; i < Math.max(va.length, vb.length); i++) {
      const x = va[i] ?? 0n;
      const y = vb[i] ?? 0n;
      if (x !== y) return x < y ? -1 : 1;
    }
  } else if (va || vb) return va ? -1 : 1; // Flyway's repeatable R__ migrations run after the versioned ones
  const na = versionName(a);
  const nb = versionName(b);
  return na < nb ? -1 : na > nb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Groups files into projects and orders each. `readFile` reads the tool's own index files (Drizzle's journal,
 * sqitch.plan); it returns undefined when there is none.
 */
export function orderHistory(files: HistoryFile[], readFile: (p: string) => string | undefined): History {
  const groups = new Map<string, HistoryFile[]>();
  for (const f of files) {
    if (isDownOrSideScript(f.path)) continue;
    // One folder is one history, even when detection named some of its files plain SQL (a newer naming style).
    const key = rootOf(f);
    const g = groups.get(key) ?? [];
    g.push(f);
    groups.set(key, g);
  }
  const projects: Project[] = [];
  const warnings: OrderWarning[] = [];
  for (const [root, group] of groups) {
    const counts = new Map<FrameworkId, number>();
    for (const f of group) if (f.framework !== 'psql') counts.set(f.framework, (counts.get(f.framework) ?? 0) + 1);
    const framework = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'psql';
    let ordered: string[];
    if (framework === 'alembic') ordered = alembicOrder(group, warnings);
    else if (framework === 'django') ordered = djangoOrder(group, warnings, readFile);
    else if (framework === 'sqitch') ordered = listedOrder(group, planOrder(readFile(path.join(root, 'sqitch.plan'))), 'sqitch.plan', warnings, (f) => path.basename(f, '.sql'));
    else if (framework === 'drizzle' && !group.some((f) => folderNamed(f.path))) {
      const journal = journalOrder(readFile(path.join(root, 'meta', '_journal.json')));
      ordered = listedOrder(group, journal, 'meta/_journal.json', warnings, (f) => path.basename(f, '.sql'));
    } else ordered = group.map((f) => f.path).sort((a, b) => compareVersions(a, b, framework));
    projects.push({ root, framework, files: ordered });
  }
  return { projects, warnings };
}

/** Orders by a list of names from the tool's index; files it does not list follow, each with a warning. */
function listedOrder(group: HistoryFile[], list: string[] | undefined, index: string, warnings: OrderWarning[], nameOf: (f: string) => string): string[] {
  const byName = new Map(group.map((f) => [nameOf(f.path), f.path]));
  if (!list) return group.map((f) => f.path).sort((a, b) => compareVersions(a, b, group[0]!.framework));
  const out: string[] = [];
  for (const n of list) {
    const f = byName.get(n);
    if (f && !out.includes(f)) out.push(f);
  }
  for (const f of group.map((g) => g.path).sort()) {
    if (out.includes(f)) continue;
    warnings.push({ file: f, message: `${path.basename(f)} is not listed in ${index}, so the tool does not run it; migralint replays it after the listed migrations` });
    out.push(f);
  }
  return out;
}

function journalOrder(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  try {
    const j = JSON.parse(text) as { entries?: Array<{ idx?: number; tag?: string }> };
    return (j.entries ?? [])
      .slice()
      .sort((a, b) => (a.idx ?? 0) - (b.idx ?? 0))
      .map((e) => e.tag)
      .filter((t): t is string => typeof t === 'string');
  } catch {
    return undefined;
  }
}

function planOrder(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('%') || t.startsWith('#') || t.startsWith('@')) continue;
    const name = /^([^\s[@#]+)/.exec(t)?.[1];
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Topological order of nodes with parents, ties by name; cycles reported and broken in name order. */
function topo(nodes: Map<string, { file: string; parents: string[] }>, warnings: OrderWarning[], what: string): string[] {
  const order: string[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const names = [...nodes.keys()].sort((a, b) => (nodes.get(a)!.file < nodes.get(b)!.file ? -1 : 1));
  const cycles = new Set<string>();
  const visit = (n: string, stack: string[]): void => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'active') {
      const loop = stack.slice(stack.indexOf(n));
      const file = nodes.get(n)!.file;
      if (!cycles.has(file)) {
        cycles.add(file);
        warnings.push({ file, message: `the ${what} graph has a cycle (${[...loop, n].join(' → ')}): the tool cannot order these migrations; migralint replays them in file-name order` });
      }
      return;
    }
    state.set(n, 'active');
    for (const p of nodes.get(n)!.parents) if (nodes.has(p)) visit(p, [...stack, n]);
    state.set(n, 'done');
    order.push(nodes.get(n)!.file);
  };
  for (const n of names) visit(n, []);
  return order;
}

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

function alembicOrder(group: HistoryFile[], warnings: OrderWarning[]): string[] {
  const nodes = new Map<string, { file: string; parents: string[] }>();
  const byFile = new Map<string, string>();
  const branchLabels = new Map<string, string>();
  for (const f of group) {
    const rev = pyStrings(pyAssignment(f.text, 'revision'))[0];
    if (!rev) {
      warnings.push({ file: f.path, message: `${path.basename(f.path)} has no \`revision = '…'\`: migralint cannot place it in the Alembic history and replays it last` });
      continue;
    }
    const down = pyStrings(pyAssignment(f.text, 'down_revision'));
    const deps = pyStrings(pyAssignment(f.text, 'depends_on'));
    for (const label of pyStrings(pyAssignment(f.text, 'branch_labels'))) branchLabels.set(label, rev);
    if (nodes.has(rev)) warnings.push({ file: f.path, message: `revision ${rev} is also defined in ${path.basename(nodes.get(rev)!.file)}: Alembic refuses duplicate revisions` });
    nodes.set(rev, { file: f.path, parents: [...down, ...deps] });
    byFile.set(f.path, rev);
  }
  // depends_on may name a branch label.
  for (const n of nodes.values()) n.parents = n.parents.map((p) => (nodes.has(p) ? p : (branchLabels.get(p) ?? p)));
  const children = new Set<string>();
  for (const [rev, n] of nodes) {
    for (const p of n.parents) {
      if (nodes.has(p)) children.add(p);
      else warnings.push({ file: n.file, message: `revision ${rev} names ${p} as its parent, but no migration here defines ${p}: the history is incomplete, and migralint replays ${path.basename(n.file)} without what ${p} did` });
    }
  }
  const heads = [...nodes.entries()].filter(([rev]) => !children.has(rev));
  if (heads.length > 1 && branchLabels.size === 0) {
    const last = heads.map(([, n]) => n.file).sort().at(-1)!;
    warnings.push({ file: last, message: `the Alembic history has ${heads.length} heads (${heads.map(([r]) => r).join(', ')}): \`alembic upgrade head\` refuses to run until a merge migration joins them` });
  }
  const ordered = topo(nodes, warnings, 'Alembic revision');
  for (const f of group) if (!byFile.has(f.path)) ordered.push(f.path);
  return ordered;
}

function djangoApp(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'migrations' ? path.basename(path.dirname(dir)) : path.basename(dir);
}

function djangoOrder(group: HistoryFile[], warnings: OrderWarning[], readFile: (p: string) => string | undefined): string[] {
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

/**
 * The history of each project, in the order its tool applies it: version numbers in file names (golang-migrate,
 * goose, dbmate, Flyway, Diesel, sqlx, Supabase, Atlas, graphile-migrate, the JS tools), folder names (Prisma,
 * Drizzle v1), Drizzle's meta/_journal.json, sqitch.plan, Alembic's revision graph and Django's dependencies.
 * A history that cannot be ordered (a missing parent, two heads, a cycle) gives one warning naming the file, and
 * the files are still ordered as well as can be and linted.
 */
import path from 'node:path';
import { frameworkModule } from '../frameworks/index.js';
import { folderNamed, historyRoot, leadingVersion } from '../frameworks/shared.js';
import type { HistoryFile, OrderContext, OrderWarning } from '../frameworks/types.js';
import type { FrameworkId } from '../types.js';

export type { HistoryFile, OrderWarning } from '../frameworks/types.js';

export interface Project {
  /** The folder the tool reads (or the Django project: all apps together). */
  root: string;
  framework: FrameworkId;
  /** Up migrations in the order the tool applies them. */
  files: string[];
  /** Per file, the earlier migrations always deployed with it (the framework's history.deployedTogether). */
  together?: Map<string, string[]>;
  /** The files the tool only ever runs on a new database (the framework's history.newDatabaseOnly). */
  newDatabase?: Set<string>;
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

/** The project a file belongs to: its framework module says (Django: one for all apps), else its folder. */
function rootOf(f: HistoryFile): string {
  return (frameworkModule(f.framework).history.root ?? historyRoot)(f.path);
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

/** The version a name carries, as the framework reads it (Flyway V1.2__x → [1, 2]); a leading number otherwise. */
function versionParts(name: string, framework: FrameworkId): bigint[] | undefined {
  return (frameworkModule(framework).history.version ?? leadingVersion)(name);
}

/**
 * Paths sorted by the versions they carry (compareKnown), each path's name and version read once: reading them
 * per comparison was most of ordering a long history.
 */
function sortByVersion(paths: string[], framework: FrameworkId): string[] {
  const names = new Map<string, string>();
  const versions = new Map<string, bigint[] | undefined>();
  for (const p of paths) {
    const name = versionName(p);
    names.set(p, name);
    versions.set(p, versionParts(name, framework));
  }
  return paths.sort((a, b) => compareKnown(a, b, versions.get(a), versions.get(b), names.get(a)!, names.get(b)!));
}

function compareKnown(a: string, b: string, va: bigint[] | undefined, vb: bigint[] | undefined, na: string, nb: string): number {
  if (va && vb) {
    for (let i = 0; i < Math.max(va.length, vb.length); i++) {
      const x = va[i] ?? 0n;
      const y = vb[i] ?? 0n;
      if (x !== y) return x < y ? -1 : 1;
    }
  } else if (va || vb) return va ? -1 : 1; // Flyway's repeatable R__ migrations run after the versioned ones
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
    const ctx: OrderContext = {
      root,
      readFile,
      warnings,
      byVersion: (fs) =>
        sortByVersion(
          fs.map((f) => f.path),
          framework,
        ),
      listed: (fs, list, index, nameOf) => listedOrder(fs, list, index, warnings, nameOf),
    };
    const { order, deployedTogether, newDatabaseOnly } = frameworkModule(framework).history;
    const ordered = order ? order(group, ctx) : ctx.byVersion(group);
    const byPath = new Map(group.map((f) => [f.path, f]));
    const inOrder = ordered.map((f) => byPath.get(f)!);
    const together = deployedTogether?.(inOrder);
    const newDatabase = newDatabaseOnly?.(inOrder);
    projects.push({ root, framework, files: ordered, ...(together?.size ? { together } : {}), ...(newDatabase?.size ? { newDatabase } : {}) });
  }
  return { projects, warnings };
}

/** Orders by a list of names from the tool's index; files it does not list follow, each with a warning. */
function listedOrder(group: HistoryFile[], list: string[] | undefined, index: string, warnings: OrderWarning[], nameOf: (f: string) => string): string[] {
  const byName = new Map(group.map((f) => [nameOf(f.path), f.path]));
  if (!list)
    return sortByVersion(
      group.map((f) => f.path),
      group[0]!.framework,
    );
  const out: string[] = [];
  for (const n of list) {
    const f = byName.get(n);
    if (f && !out.includes(f)) out.push(f);
  }
  for (const f of group.map((g) => g.path).sort()) {
    if (out.includes(f)) continue;
    warnings.push({
      file: f,
      message: `${path.basename(f)} is not listed in ${index}, so the tool does not run it; migralint replays it after the listed migrations`,
      notRunByTool: true,
    });
    out.push(f);
  }
  return out;
}

import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigResolver } from '../config/load.js';
import { globToRegExp } from '../config/options.js';
import type { Config } from '../config/schema.js';
import type { FileSystem } from '../fs.js';
import { deployedBaseline } from '../frameworks/index.js';
import { applyBaseline } from './baseline.js';
import { changedSince, stagedFiles } from './git.js';
import { resolvePath } from '../paths.js';

export interface Selection {
  files: string[];
  /** Why files were left out, for one line on stderr; empty when nothing was. */
  notes: string[];
  /** Files were narrowed by git or a baseline (so an empty result is not an error). */
  narrowed: boolean;
  /**
   * The files kept are the ones the next deploy runs together (changed in git, staged, or not yet applied to the
   * database): what one of them creates is new to the others. A baseline or config scope alone says no such thing:
   * the migrations after a baseline ran one deploy at a time, each meeting the tables the earlier ones left.
   */
  together: boolean;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Narrows discovered files to what is new: config `baseline` / `startAfter` (per config file; without one, the
 * baseline the migration tool's own configuration sets, like strong_migrations' `start_after`, read through `fs`),
 * then `--changed-since REF` or `--staged`. Paths stay as discovery gave them.
 */
export async function selectFiles(
  files: string[],
  opts: { cwd: string; changedSince?: string; staged?: boolean; resolver: ConfigResolver; fs?: FileSystem },
): Promise<Selection> {
  const notes: string[] = [];
  let narrowed = false;
  let kept = files;

  const groups = new Map<string, { baseline?: string; file?: string; files: string[]; tool?: string }>();
  let outside = 0;
  const inScope: string[] = [];
  for (const f of kept) {
    const loaded = opts.resolver.loadedFor(resolvePath(opts.cwd, f)) ?? (await opts.resolver.forFile(resolvePath(opts.cwd, f)));
    // Config `include` / `exclude`: globs relative to the config file's folder.
    if (!inConfigScope(loaded.config, loaded.dir, resolvePath(opts.cwd, f))) {
      outside++;
      continue;
    }
    inScope.push(f);
    let key = loaded.file ?? '';
    let baseline = loaded.config.baseline ?? loaded.config.startAfter;
    let tool: string | undefined;
    const own = baseline === undefined && opts.fs ? deployedBaseline(resolvePath(opts.cwd, f), opts.fs) : undefined;
    if (own) {
      baseline = own.baseline;
      tool = `${own.setting} (${path.relative(opts.cwd, own.file) || own.file} line ${own.line})`;
      key = `${key}\0${own.file}`;
    }
    const g = groups.get(key) ?? { baseline, file: loaded.file, files: [], tool };
    g.files.push(f);
    groups.set(key, g);
  }
  if (outside) {
    narrowed = true;
    kept = inScope;
    notes.push(`${outside} file${outside === 1 ? '' : 's'} left out by config include / exclude`);
  }
  if ([...groups.values()].some((g) => g.baseline)) {
    narrowed = true;
    const skipped = new Set<string>();
    const byTool = new Map<string, number>();
    for (const g of groups.values()) {
      if (!g.baseline) continue;
      try {
        const before = applyBaseline(g.files, g.baseline).skipped;
        for (const f of before) skipped.add(f);
        if (g.tool && before.length) byTool.set(g.tool, (byTool.get(g.tool) ?? 0) + before.length);
      } catch (error) {
        // A tool's own setting that names no migration and is no version is not the user's config error: ignored.
        if (!g.tool) throw new ConfigError((error as Error).message, g.file);
      }
    }
    kept = kept.filter((f) => !skipped.has(f));
    const fromConfig = skipped.size - [...byTool.values()].reduce((a, b) => a + b, 0);
    const plural = (n: number) => `${n} migration${n === 1 ? '' : 's'}`;
    if (fromConfig) notes.push(`${plural(fromConfig)} at or before the baseline not linted`);
    for (const [tool, n] of byTool) notes.push(`${plural(n)} at or before ${tool} not linted (config \`baseline\` overrides it)`);
  }

  const together = opts.changedSince !== undefined || !!opts.staged;
  if (together) {
    narrowed = true;
    const changed = opts.staged ? await stagedFiles(opts.cwd) : await changedSince(opts.changedSince!, opts.cwd);
    const set = new Set(changed.map(real));
    const before = kept.length;
    kept = kept.filter((f) => set.has(real(resolvePath(opts.cwd, f))));
    const what = opts.staged ? 'staged' : `changed since ${opts.changedSince}`;
    if (kept.length === 0) notes.push(`no migration files ${what}`);
    else if (kept.length < before) notes.push(`${kept.length} of ${before} migration files ${what}`);
  }
  return { files: kept, notes, narrowed, together };
}

const globCache = new Map<string, RegExp>();
function matches(glob: string, rel: string): boolean {
  let re = globCache.get(glob);
  if (!re) globCache.set(glob, (re = globToRegExp(glob)));
  return re.test(rel);
}

/** Whether config `include` (when given) and `exclude` let this file be linted. */
export function inConfigScope(config: Config, dir: string, file: string): boolean {
  if (!config.include && !config.exclude) return true;
  const rel = path.relative(dir, file).split(path.sep).join('/');
  if (config.exclude?.some((g) => matches(g, rel))) return false;
  return !config.include || config.include.some((g) => matches(g, rel));
}

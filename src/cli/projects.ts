/**
 * The migration projects under the named paths, found as a lint finds them: discovery (with the files a config or
 * --framework claims), each file's options from its config, and each project's history in its tool's order. What
 * `migralint schema` and `migralint trace` start from.
 */
import path from 'node:path';
import { ConfigResolver } from '../config/load.js';
import { frameworkFromConfig, settingsFromConfig } from '../config/options.js';
import { diskFileSystem } from '../disk.js';
import type { LintOptions } from '../engine/lint.js';
import { loadParsersFor } from '../engine/lint-text.js';
import { ProjectHistory } from '../project/history.js';
import type { FrameworkId, LintSettings, SourceFile } from '../types.js';
import { configClaims, discover } from './discover.js';
import { readSource } from './read.js';
import type { IO } from './run.js';

export interface ProjectsRun {
  paths: string[];
  cwd: string;
  config?: string;
  framework?: string;
  /** Settings the command line sets over each file's config (trace's --pg-version). */
  settings?: Partial<LintSettings>;
}

export interface Projects {
  history: ProjectHistory;
  /** Each migration's text, by the path discovery gave it (absent: the file could not be read). */
  sources: Map<string, SourceFile>;
  /** Each migration's lint options: its config's settings and framework. */
  optionsOf: Map<string, LintOptions>;
  /** Discovery's problems (a path that does not exist …), already printed. */
  problems: string[];
  /** The run's config search, to read a file's config again. */
  resolver: ConfigResolver;
}

/** Discovers the paths' migrations and plans their histories; discovery's problems go to stderr. */
export async function findProjects(run: ProjectsRun, io: IO): Promise<Projects> {
  const resolver = new ConfigResolver(run.config);
  const found = await discover(run.paths, run.cwd, { claims: configClaims(resolver, run.cwd, run.framework) });
  for (const p of found.problems) io.stderr(`migralint: ${p}\n`);
  const optionsOf = new Map<string, LintOptions>();
  const disk = diskFileSystem(run.cwd);
  for (const f of found.files) {
    const loaded = await resolver.forFile(path.resolve(run.cwd, f));
    const framework = (run.framework as FrameworkId | undefined) ?? frameworkFromConfig(loaded.config, loaded.dir, path.resolve(run.cwd, f));
    optionsOf.set(f, { settings: { ...settingsFromConfig(loaded.config), ...run.settings }, framework, fs: disk });
  }
  await loadParsersFor(found.files);
  const read = (f: string) => {
    try {
      return { ...readSource(path.resolve(run.cwd, f)), path: f };
    } catch {
      return undefined;
    }
  };
  const { history, sources } = ProjectHistory.plan(found.files, run.cwd, read, (f) => optionsOf.get(f)?.framework, disk);
  return { history, sources, optionsOf, problems: found.problems, resolver };
}

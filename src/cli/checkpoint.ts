/**
 * A project's history resumed from a checkpoint (LintCache.checkpoint): a run that lints the newest migration of a
 * long history (a pre-commit hook's) takes the catalog the migrations before it left from the cache, instead of
 * replaying them one by one (each from its cached replay: reading them all was most of such a run). The walk keeps
 * one, for the next run, just before the project's last file it lints.
 *
 * A checkpoint names the migrations it is the catalog after (historyPrefix: each one's path, content and replay
 * options, in order) and the files their replays consulted; a run takes it only when its own history starts with the
 * same migrations and those files are as they were, and only for migrations it would only replay.
 */
import type { LintOptions } from '../engine/lint.js';
import type { PlannedFile, ProjectHistory } from '../project/history.js';
import { historyPrefix, type LintCache } from './cache.js';

/** Per project walked: the names of its prefixes, the project's slot, and what its replays consulted so far. */
interface Chain {
  slot: string;
  /** prefixes[n]: the name of its first n migrations (undefined past a file that cannot be named). */
  prefixes: Array<string | undefined>;
  /** Every file the replays of the migrations walked so far consulted; null when one is not known. */
  consulted: Set<string> | null;
}

export class HistoryCheckpoints {
  private readonly chains = new Map<number, Chain>();

  constructor(
    private readonly cache: LintCache,
    private readonly history: ProjectHistory,
    private readonly names: {
      version: string;
      cwd: string;
      /** A file's content hash (the run's record's while its stat is the same). */
      hashOf: (file: string) => string | undefined;
      optionsOf: (file: string) => LintOptions | undefined;
      /** The options a replay's key names (one object per settings and framework). */
      replayOptionsOf: (options: LintOptions) => object;
    },
  ) {}

  /**
   * The planned files left to walk: each project's first migrations that a checkpoint holds (and that this run only
   * replays) are left out, the project's catalog set to the checkpoint's. `resumed`: the projects that were.
   */
  resume(planned: PlannedFile[]): { planned: PlannedFile[]; resumed: Set<number> } {
    const resumed = new Set<number>();
    const skip = new Set<string>();
    const lastOf = new Map<number, number>();
    const firstLintOf = new Map<number, number>();
    planned.forEach((p, i) => {
      if (p.project === undefined) return;
      lastOf.set(p.project, i);
      if (p.lint && !firstLintOf.has(p.project)) firstLintOf.set(p.project, i);
    });
    for (const [project, last] of lastOf) {
      const files = this.history.projects[project]!.files;
      const chain = this.chainOf(project, files.slice(0, files.indexOf(planned[last]!.path)));
      // Only files this run would only replay: the project's files before the first it lints.
      const firstLint = files.indexOf(planned[firstLintOf.get(project) ?? last]!.path);
      const found = this.cache.checkpoint(chain.slot, (n) => (n >= 1 && n <= firstLint ? chain.prefixes[n] : undefined));
      if (!found) continue;
      this.history.resume(files[0]!, found.schema, found.print);
      chain.consulted = new Set(found.consulted);
      for (const f of files.slice(0, found.count)) skip.add(f);
      resumed.add(project);
    }
    return { planned: skip.size ? planned.filter((p) => !skip.has(p.path)) : planned, resumed };
  }

  /** A project's file walked: its replay's key ('' when it was not replayed or cached here), for what it consulted. */
  walked(planned: PlannedFile, replayKey: string): void {
    if (planned.project === undefined) return;
    const chain = this.chains.get(planned.project);
    if (!chain?.consulted) return;
    const deps = replayKey ? this.cache.replayConsulted(replayKey) : undefined;
    if (!deps) chain.consulted = null;
    else for (const [f] of deps) chain.consulted.add(f);
  }

  /** Before the project's last file this run lints: the catalog it meets is kept, for the next run. */
  keep(planned: PlannedFile): void {
    if (planned.project === undefined) return;
    const chain = this.chains.get(planned.project);
    const count = this.history.projects[planned.project]!.files.indexOf(planned.path);
    // Only before the last (the names go that far).
    if (!chain || count !== chain.prefixes.length - 1) return;
    const prefix = chain.prefixes[count];
    const print = this.history.fingerprint(planned.path);
    const schema = this.history.schemaOf(planned.path);
    if (!chain.consulted || count < 1 || !prefix || !print || !schema) return;
    this.cache.setCheckpoint(chain.slot, count, prefix, print, chain.consulted, () => JSON.stringify(schema));
  }

  /** The names of the prefixes of `files` (a project's first migrations), each file's content hashed once. */
  private chainOf(project: number, files: string[]): Chain {
    const { version, cwd, hashOf, optionsOf, replayOptionsOf } = this.names;
    const p = this.history.projects[project]!;
    const start = historyPrefix.start(version, cwd, p.root, p.framework);
    const prefixes: Chain['prefixes'] = [start];
    let prefix: string | undefined = start;
    for (const f of files) {
      if (prefix !== undefined) {
        const hash = hashOf(f);
        const options = optionsOf(f);
        prefix = hash && options ? historyPrefix.next(prefix, f, hash, replayOptionsOf(options)) : undefined;
      }
      prefixes.push(prefix);
    }
    const chain: Chain = { slot: start, prefixes, consulted: new Set() };
    this.chains.set(project, chain);
    return chain;
  }
}

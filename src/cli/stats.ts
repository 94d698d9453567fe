import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StatsSnapshot } from '../catalog/catalog.js';
import { loadStatsFile, readDatabaseStats, redactUrl, StatsError } from '../catalog/database.js';

export const DEFAULT_STATS_FILE = 'migralint-stats.json';
export const TIMEOUTS = { connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 };

/** Where table sizes come from for a run, strongest first; the first one set is used. */
export interface SizeSources {
  /** --database-url */
  databaseUrl?: string;
  /** --stats */
  stats?: string;
  /** MIGRALINT_DATABASE_URL */
  envDatabaseUrl?: string;
  /** config `databaseUrl`, `stats` (relative to the config's directory) */
  configDatabaseUrl?: string;
  configStats?: string;
  /** --stats-optional: a source that fails is a warning, and the run goes on without sizes. */
  optional?: boolean;
}

export interface LoadedSizes {
  snapshot: StatsSnapshot;
  /** For messages: "database postgres://app:***@db/shop", "stats snapshot migralint-stats.json". */
  source: string;
}

/**
 * Reads sizes from the first source given. Each source is read once per run (cached by URL / path).
 * Throws StatsError (exit 2) unless `optional`, in which case `warn` is called and null returned.
 */
export class SizeLoader {
  private readonly cache = new Map<string, Promise<LoadedSizes | null>>();

  constructor(private readonly warn: (message: string) => void) {}

  load(src: SizeSources, cwd: string): Promise<LoadedSizes | null> {
    // --database-url, --stats, MIGRALINT_DATABASE_URL, config databaseUrl, config stats: the first one given.
    const first = [
      src.databaseUrl && { url: src.databaseUrl },
      src.stats && { file: path.resolve(cwd, src.stats) },
      src.envDatabaseUrl && { url: src.envDatabaseUrl },
      src.configDatabaseUrl && { url: src.configDatabaseUrl },
      src.configStats && { file: src.configStats },
    ].find(Boolean) as { url?: string; file?: string } | undefined;
    const url = first?.url;
    const file = first?.file;
    if (!url && !file) return Promise.resolve(null);
    const key = url ? `url:${url}` : `file:${file}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const read: Promise<LoadedSizes> = url
        ? readDatabaseStats(url, TIMEOUTS).then((snapshot) => ({ snapshot, source: `database ${redactUrl(url)}` }))
        : Promise.resolve().then(() => ({ snapshot: loadStatsFile(file!), source: `stats snapshot ${path.relative(cwd, file!) || file}` }));
      entry = read.catch((error: unknown) => {
        if (!(error instanceof StatsError) || !src.optional) throw error;
        this.warn(`${error.message}; linting without table sizes (--stats-optional)`);
        return null;
      });
      this.cache.set(key, entry);
    }
    return entry;
  }
}

export interface StatsCommand {
  databaseUrl?: string;
  output?: string;
  cwd: string;
}

/** `migralint stats`: writes a snapshot of table sizes so CI can lint with sizes and no database access. */
export async function runStats(cmd: StatsCommand, io: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<number> {
  const url = cmd.databaseUrl ?? process.env.MIGRALINT_DATABASE_URL;
  if (!url) throw new StatsError('migralint stats needs --database-url URL (or MIGRALINT_DATABASE_URL)');
  const snapshot = await readDatabaseStats(url, TIMEOUTS);
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (cmd.output === '-') {
    io.stdout(text);
    return 0;
  }
  const out = path.resolve(cmd.cwd, cmd.output ?? DEFAULT_STATS_FILE);
  try {
    writeFileSync(out, text);
  } catch (error) {
    throw new StatsError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const partitioned = snapshot.tables.filter((t) => t.partitioned).length;
  const invalid = snapshot.invalidIndexes?.length ?? 0;
  io.stderr(
    `migralint: wrote ${path.relative(cmd.cwd, out) || out}: ${snapshot.tables.length} tables (${partitioned} partitioned), ${invalid} invalid index${invalid === 1 ? '' : 'es'}, PostgreSQL ${snapshot.serverVersion} at ${redactUrl(url)}\n`,
  );
  return 0;
}

import path from 'node:path';
import { folderNamed, isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { drizzleAdapter } from './adapter.js';

/** Drizzle v1's migration folders: `<14-digit timestamp>_<name>/migration.sql`. */
export const DRIZZLE_V1_DIR = /^\d{14}_[^/]+$/;

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

export const drizzle: FrameworkModule = {
  id: 'drizzle',
  name: 'Drizzle',
  language: 'sql',
  detect: [
    { priority: 700, describe: 'a `--> statement-breakpoint` marker', test: (f) => isSql(f) && f.text.includes('--> statement-breakpoint') },
    {
      priority: 690,
      describe: '`NNNN_name.sql` with `meta/_journal.json` beside it',
      test: (f) => isSql(f) && /^\d{4}_.+\.sql$/.test(f.base) && f.fs.exists(joinName(f.dir, 'meta/_journal.json')),
    },
    {
      priority: 675,
      describe: "v1's `<ts>_<name>/migration.sql` with `snapshot.json`, or under `drizzle/`",
      test: (f) =>
        isSql(f) &&
        f.base === 'migration.sql' &&
        DRIZZLE_V1_DIR.test(f.parentName) &&
        (f.fs.exists(joinName(f.dir, 'snapshot.json')) || /\/drizzle\//.test(f.posix)),
    },
  ],
  discovery: { globs: ['**/drizzle/*.sql', '**/drizzle/*/migration.sql'], folders: ['drizzle'] },
  history: {
    describe: "meta/_journal.json's entries in idx order (v1 folders: by timestamp)",
    order(files, ctx) {
      if (files.some((f) => folderNamed(f.path))) return ctx.byVersion(files);
      return ctx.listed(files, journalOrder(ctx.readFile(path.join(ctx.root, 'meta', '_journal.json'))), 'meta/_journal.json', (f) => path.basename(f, '.sql'));
    },
  },
  execution: {
    wraps: 'per-run',
    oneQuery: 'per-chunk',
    summary: 'All pending migrations in one transaction, each `--> statement-breakpoint` chunk one query; no opt-out (the manual procedure instead).',
    optOuts: [],
  },
  adapter: drizzleAdapter,
  generatedFrom: () => 'the Drizzle schema file (then drizzle-kit generate)',
  readme: '#drizzle',
  fixtures: ['fixtures/frameworks/drizzle'],
};

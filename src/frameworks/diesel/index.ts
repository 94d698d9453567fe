import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { dieselAdapter } from './adapter.js';

/** Diesel's folder names: `2021-03-04-120000_name`, today's `2025-09-19-132648-0000_name`, or `20210304120000_name`. */
export const DIESEL_DIR = /^(?:\d{4}-\d{2}-\d{2}-\d{6}(?:-\d{4})?|\d{14})_[^/]+$/;

export const diesel: FrameworkModule = {
  id: 'diesel',
  name: 'Diesel',
  language: 'sql',
  detect: [
    {
      priority: 650,
      describe: '`<date>_<name>/up.sql` (or `down.sql`), or one beside `metadata.toml`',
      test: (f) =>
        isSql(f) && (f.base === 'up.sql' || f.base === 'down.sql') && (DIESEL_DIR.test(f.parentName) || f.fs.exists(joinName(f.dir, 'metadata.toml'))),
    },
  ],
  discovery: { globs: ['**/migrations/*/{up,down}.sql'], folders: ['migrations'], markers: ['diesel.toml'] },
  history: { describe: 'by the date that leads the folder name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'yes',
    summary:
      "Each `up.sql` in a transaction as one query; `run_in_transaction = false` in the migration's `metadata.toml` opts out for a one-statement migration.",
    optOuts: [{ syntax: 'run_in_transaction = false', in: 'file' }],
  },
  adapter: dieselAdapter,
  readme: '#diesel',
  fixtures: ['fixtures/frameworks/diesel'],
};

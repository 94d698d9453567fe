import type { FrameworkAdapter } from '../../sources/adapter.js';
import type { FrameworkModule } from '../types.js';
import { extractEcto, isEctoMigration } from './extract.js';
import { escapeTransaction, insertBefore, rewriteOperation } from './fixes.js';

const ectoAdapter: FrameworkAdapter = { id: 'ecto', name: 'Ecto', commentPrefix: '#', extract: extractEcto, escapeTransaction, rewriteOperation, insertBefore };

export const ecto: FrameworkModule = {
  id: 'ecto',
  name: 'Ecto',
  language: 'elixir',
  detect: [{ priority: 971, describe: 'an `.exs` module with `use Ecto.Migration`', test: (f) => /\.exs$/i.test(f.path) && isEctoMigration(f.text) }],
  discovery: { globs: ['**/priv/repo/migrations/*.exs', '**/priv/*/migrations/*.exs'], folders: ['priv/repo/migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'per-chunk',
    summary:
      "Each migration in a transaction (Ecto SQL 3.x); `@disable_ddl_transaction true` in the module opts out, and a concurrent index also needs `@disable_migration_lock true` (else the build waits for the migration lock's transaction). Each `execute` string is one query.",
    optOuts: [
      { syntax: '@disable_ddl_transaction true', in: 'file' },
      { syntax: '@disable_migration_lock true', in: 'file' },
    ],
  },
  adapter: ectoAdapter,
  readme: '#ecto',
  fixtures: ['fixtures/frameworks/ecto'],
};

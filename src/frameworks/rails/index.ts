import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { railsAdapter } from './adapter.js';
import { isRailsMigration } from './extract.js';
import { railsRunnerSettings, railsStartAfter } from './runner.js';

const isRuby = (p: string): boolean => /\.rb$/i.test(p);

export const rails: FrameworkModule = {
  id: 'rails',
  name: 'Rails',
  language: 'ruby',
  detect: [
    { priority: 950, describe: 'a class inheriting from `ActiveRecord::Migration` in a `.rb` file', test: (f) => isRuby(f.path) && isRailsMigration(f.text) },
  ],
  discovery: { globs: ['**/db/migrate/*.rb', '**/db/*_migrate/*.rb'], folders: ['db/migrate'] },
  // Schema dumps sit beside the migrations; Rails loads them, it never migrates with them.
  notMigration: (f) =>
    /(^|\/)db\/(structure\.sql|schema\.rb)$/.test(f.posix) && f.fs.exists(joinName(f.dir, 'migrate'))
      ? `${f.base} is Rails' schema dump (db:schema:dump), not a migration: Rails loads it whole on a new database and never migrates with it, so migralint does not lint it.`
      : null,
  history: { describe: 'by the version (timestamp, or the old 001 numbers) that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'per-chunk',
    summary:
      'Each migration in a transaction (ActiveRecord `ddl_transaction`); `disable_ddl_transaction!` in the class opts out. Each `execute` string is one query (several statements in it are one implicit transaction); each schema statement (`add_index` …) is its own.',
    optOuts: [{ syntax: 'disable_ddl_transaction!', in: 'file' }],
  },
  adapter: railsAdapter,
  runnerSettings: railsRunnerSettings,
  deployedBaseline: railsStartAfter,
  readme: '#rails-activerecord',
  fixtures: ['fixtures/frameworks/rails'],
};

import { dbMigrateAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

export const dbMigrate: FrameworkModule = {
  id: 'db-migrate',
  name: 'db-migrate',
  language: 'js',
  detect: [
    {
      priority: 820,
      describe: '`dbm`, `db.runSql(`, `exports.setup =`, or its DSL on `db` (`db.addIndex(`, `db.createTable(` …)',
      test: (f) =>
        isJs(f) &&
        /\bdbm\b|\bdb\.runSql\(|['"]db-migrate['"]|exports\.setup\s*=|\bdb\.(?:addIndex|addForeignKey|createTable|addColumn|removeColumn|changeColumn|removeIndex|removeForeignKey)\s*(?:\.bind\s*)?\(/.test(
          f.text,
        ),
    },
  ],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'per-chunk',
    summary: 'Each migration in its own transaction; `frameworkOptions: { "db-migrate": { nonTransactional: true } }` for `--non-transactional`.',
    optOuts: [{ syntax: 'nonTransactional: true', in: 'config' }],
  },
  adapter: dbMigrateAdapter,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/db-migrate'],
};

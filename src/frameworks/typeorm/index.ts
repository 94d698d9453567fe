import { typeormAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

export const typeorm: FrameworkModule = {
  id: 'typeorm',
  name: 'TypeORM',
  language: 'js',
  detect: [
    {
      priority: 860,
      describe: '`implements MigrationInterface` or an import from typeorm',
      test: (f) => isJs(f) && /\bMigrationInterface\b|from\s+['"]typeorm['"]/.test(f.text),
    },
  ],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['src/migrations', 'migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-run',
    oneQuery: 'per-chunk',
    summary:
      'All pending migrations in one transaction (`migrationsTransactionMode: "all"`); under `each` (frameworkOptions.typeorm.migrationsTransactionMode) a class field `transaction = false` opts out. Each `queryRunner.query` string is one query.',
    optOuts: [
      { syntax: 'transaction = false', in: 'file' },
      { syntax: 'migrationsTransactionMode', in: 'config' },
    ],
  },
  adapter: typeormAdapter,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/typeorm', 'fixtures/frameworks/typeorm-each'],
};

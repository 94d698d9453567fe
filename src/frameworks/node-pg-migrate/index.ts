import { nodePgMigrateAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

export const nodePgMigrate: FrameworkModule = {
  id: 'node-pg-migrate',
  name: 'node-pg-migrate',
  language: 'js',
  detect: [
    {
      priority: 850,
      describe: '`pgm.<op>(` calls, `MigrationBuilder`, or an import of node-pg-migrate',
      test: (f) => isJs(f) && /node-pg-migrate|\bMigrationBuilder\b|\bpgm\.\w+\(/.test(f.text),
    },
  ],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-run',
    oneQuery: 'per-chunk',
    summary:
      'All pending migrations in one transaction (the CLI); `pgm.noTransaction()` opts out; `frameworkOptions: { "node-pg-migrate": { singleTransaction: false } }` for per-migration transactions. Each `pgm.sql` string is one query.',
    optOuts: [
      { syntax: 'pgm.noTransaction()', in: 'file' },
      { syntax: 'singleTransaction: false', in: 'config' },
    ],
  },
  adapter: nodePgMigrateAdapter,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/node-pg-migrate'],
};

import { kyselyAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

export const kysely: FrameworkModule = {
  id: 'kysely',
  name: 'Kysely',
  language: 'js',
  detect: [{ priority: 830, describe: 'an import from kysely or `Kysely<`', test: (f) => isJs(f) && /from\s+['"]kysely['"]|\bKysely</.test(f.text) }],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['migrations', 'src/migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-run',
    oneQuery: 'per-chunk',
    summary:
      'The Migrator runs all pending migrations in one transaction (no per-migration opt-out); `frameworkOptions: { kysely: { disableTransactions: true } }` if you disabled them.',
    optOuts: [{ syntax: 'disableTransactions: true', in: 'config' }],
  },
  adapter: kyselyAdapter,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/kysely'],
};

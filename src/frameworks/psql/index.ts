import { psqlAdapter } from '../../sources/psql.js';
import type { FrameworkModule } from '../types.js';

export const psql: FrameworkModule = {
  id: 'psql',
  name: 'psql',
  language: 'sql',
  // The fallback: a file no other rule claims is plain SQL, run as `psql -f` runs it.
  detect: [{ priority: 0, describe: 'any other file', test: () => true }],
  discovery: { globs: ['**/*.sql'], folders: ['migrations', 'db/migrations', 'sql'] },
  history: { describe: 'by the number that leads the file name, then by name' },
  execution: {
    wraps: 'none',
    oneQuery: 'no',
    summary: 'Statement by statement, no transaction unless the file says `BEGIN`; `assumeInTransaction: true` if your runner wraps each file.',
    optOuts: [{ syntax: 'assumeInTransaction', in: 'config' }],
  },
  adapter: psqlAdapter,
  readme: '#plain-sql-psql',
  fixtures: ['fixtures/demo/psql'],
};

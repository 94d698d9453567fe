import { ancestorHas, isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { graphileAdapter } from './adapter.js';

export const graphileMigrate: FrameworkModule = {
  id: 'graphile-migrate',
  name: 'graphile-migrate',
  language: 'sql',
  detect: [
    {
      priority: 620,
      describe: '`--! Previous:`, `--! Hash:` … headers',
      test: (f) => isSql(f) && /^--! (?:Previous|Hash|Message|AllowInvalidHash|no-transaction)\b/.test(f.text),
    },
    {
      priority: 610,
      describe: '`migrations/committed/NNNNNN*.sql` or `migrations/current.sql` under a `.gmrc`',
      test: (f) => isSql(f) && /\/migrations\/(?:committed\/\d{6}[^/]*|current(?:\/[^/]+)?|current)\.sql$/.test(f.posix) && ancestorHas(f, '.gmrc', 3),
    },
  ],
  discovery: { globs: ['**/migrations/{committed/*,current,current/*}.sql'], folders: ['migrations'] },
  history: { describe: 'by the number that leads the committed file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'yes',
    summary:
      'Each migration in a transaction as one query; `--! no-transaction` on the first line of the body opts out for a migration of exactly one statement.',
    optOuts: [{ syntax: '--! no-transaction', in: 'file' }],
  },
  adapter: graphileAdapter,
  readme: '#graphile-migrate',
  fixtures: ['fixtures/frameworks/graphile-migrate'],
};

import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { golangMigrateAdapter } from './adapter.js';

export const golangMigrate: FrameworkModule = {
  id: 'golang-migrate',
  name: 'golang-migrate',
  language: 'sql',
  detect: [{ priority: 540, describe: '`<n>_name.up.sql` / `.down.sql`', test: (f) => isSql(f) && /^\d+_.+\.(?:up|down)\.sql$/i.test(f.base) }],
  discovery: { globs: ['**/*.{up,down}.sql'], folders: ['migrations', 'db/migrations'] },
  history: { describe: 'by the number that leads the file name' },
  execution: {
    wraps: 'none',
    oneQuery: 'yes',
    summary:
      'Each `.up.sql` is sent as one query with no transaction, so CONCURRENTLY must be alone in its file; `frameworkOptions: { "golang-migrate": { multiStatement: true } }` for `x-multi-statement=true`.',
    optOuts: [{ syntax: 'multiStatement: true', in: 'config' }],
  },
  adapter: golangMigrateAdapter,
  readme: '#golang-migrate',
  fixtures: ['fixtures/frameworks/golang-migrate'],
};

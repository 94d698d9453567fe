import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { sqlxAdapter } from './adapter.js';

const SQLX_TEMPLATE = /^-- (?:no-transaction|Add (?:up |down )?migration script here)/;

export const sqlx: FrameworkModule = {
  id: 'sqlx',
  name: 'sqlx',
  language: 'sql',
  detect: [
    {
      priority: 560,
      describe: "sqlx's templates (`-- Add migration script here`) or `-- no-transaction`",
      test: (f) => isSql(f) && SQLX_TEMPLATE.test(f.text),
    },
    {
      priority: 550,
      describe: '`migrations/<n>_name.sql` in a Rust project (Cargo.toml, no diesel.toml)',
      test: (f) =>
        isSql(f) &&
        /^\d+_.+\.sql$/.test(f.base) &&
        f.parentName === 'migrations' &&
        f.fs.exists(joinName(f.grand, 'Cargo.toml')) &&
        !f.fs.exists(joinName(f.grand, 'diesel.toml')),
    },
  ],
  discovery: { globs: ['**/migrations/*.sql'], folders: ['migrations'] },
  history: { describe: 'by the version that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'yes',
    summary: 'Each migration in a transaction as one query; a file that starts with `-- no-transaction` opts out for one statement.',
    optOuts: [{ syntax: '-- no-transaction', in: 'file' }],
  },
  adapter: sqlxAdapter,
  readme: '#sqlx',
  fixtures: ['fixtures/frameworks/sqlx'],
};

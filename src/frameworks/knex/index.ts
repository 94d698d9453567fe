import { knexAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { knexRunnerSettings } from './runner.js';

export const knex: FrameworkModule = {
  id: 'knex',
  name: 'Knex',
  language: 'js',
  detect: [
    {
      priority: 810,
      describe: '`knex`, `Knex`, or `.schema.createTable(` / `.alterTable(` … on any receiver',
      test: (f) =>
        isJs(f) &&
        /['"]knex['"]|\bKnex\b|\bknex\b|\.schema\s*\.\s*(?:createTable|createTableIfNotExists|alterTable|table|dropTable|dropTableIfExists|renameTable|raw|withSchema)\s*\(/.test(
          f.text,
        ),
    },
  ],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-run',
    oneQuery: 'per-chunk',
    summary:
      '`migrate:latest` runs all pending migrations in one transaction unless a pending migration exports `config = { transaction: false }`; `frameworkOptions: { knex: { disableTransactions: true } }` for a knexfile with `disableTransactions`. Each `knex.raw` string is one query.',
    optOuts: [
      { syntax: 'transaction: false', in: 'file' },
      { syntax: 'disableTransactions: true', in: 'config' },
    ],
  },
  adapter: knexAdapter,
  runnerSettings: knexRunnerSettings,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/knex'],
};

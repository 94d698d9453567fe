import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { gooseAdapter } from './adapter.js';

const GOOSE = /^[ \t]*--[ \t]*\+goose[ \t]+(?:up|down)\b/im;

export const goose: FrameworkModule = {
  id: 'goose',
  name: 'goose',
  language: 'sql',
  detect: [{ priority: 600, describe: '`-- +goose Up` / `-- +goose Down` annotations', test: (f) => isSql(f) && GOOSE.test(f.text) }],
  discovery: { globs: ['**/migrations/*.sql'], folders: ['migrations', 'db/migrations'] },
  history: { describe: 'by the version that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'no',
    summary:
      'Each migration in a transaction, statement by statement; a `StatementBegin … StatementEnd` block is one query; `-- +goose NO TRANSACTION` opts out.',
    optOuts: [{ syntax: '-- +goose NO TRANSACTION', in: 'file' }],
  },
  adapter: gooseAdapter,
  readme: '#goose',
  fixtures: ['fixtures/frameworks/goose'],
};

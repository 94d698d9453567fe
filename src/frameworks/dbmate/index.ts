import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { dbmateAdapter } from './adapter.js';

/** True when `-- migrate:up` comes before any statement (dbmate rejects statements before it). */
export function hasLeadingDbmateUp(text: string): boolean {
  const m = /^--\s*migrate:up(?:\s*$|\s+\S+)/m.exec(text);
  if (!m) return false;
  return text
    .slice(0, m.index)
    .split('\n')
    .every((l) => /^\s*$/.test(l) || /^\s*--/.test(l));
}

export const dbmate: FrameworkModule = {
  id: 'dbmate',
  name: 'dbmate',
  language: 'sql',
  detect: [{ priority: 590, describe: '`-- migrate:up` before any statement', test: (f) => isSql(f) && hasLeadingDbmateUp(f.text) }],
  discovery: { globs: ['**/db/migrations/*.sql'], folders: ['db/migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-section',
    oneQuery: 'yes',
    summary: 'The `-- migrate:up` section runs in a transaction as one query; `-- migrate:up transaction:false` opts out, but the section is still one query.',
    optOuts: [{ syntax: 'transaction:false', in: 'file' }],
  },
  adapter: dbmateAdapter,
  readme: '#dbmate',
  fixtures: ['fixtures/frameworks/dbmate'],
};

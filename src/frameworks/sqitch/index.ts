import path from 'node:path';
import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { sqitchAdapter } from './adapter.js';

function planOrder(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('%') || t.startsWith('#') || t.startsWith('@')) continue;
    const name = /^([^\s[@#]+)/.exec(t)?.[1];
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

export const sqitch: FrameworkModule = {
  id: 'sqitch',
  name: 'sqitch',
  language: 'sql',
  detect: [
    {
      priority: 630,
      describe: '`deploy/`, `revert/` or `verify/` scripts beside `sqitch.plan`',
      test: (f) =>
        isSql(f) && (f.parentName === 'deploy' || f.parentName === 'revert' || f.parentName === 'verify') && f.fs.exists(joinName(f.grand, 'sqitch.plan')),
    },
  ],
  discovery: { globs: ['**/{deploy,revert,verify}/*.sql'], folders: ['deploy'] },
  history: {
    describe: 'the order of sqitch.plan',
    root(file) {
      const dir = path.dirname(file);
      return path.basename(dir) === 'deploy' ? path.dirname(dir) : dir;
    },
    order: (files, ctx) => ctx.listed(files, planOrder(ctx.readFile(path.join(ctx.root, 'sqitch.plan'))), 'sqitch.plan', (f) => path.basename(f, '.sql')),
  },
  execution: {
    wraps: 'none',
    oneQuery: 'no',
    summary:
      "`deploy/*.sql` runs with psql, statement by statement; the template's `BEGIN; … COMMIT;` is tracked as written, and the fix moves the statement after the `COMMIT`.",
    optOuts: [{ syntax: 'COMMIT;', in: 'file' }],
  },
  adapter: sqitchAdapter,
  readme: '#sqitch',
  fixtures: ['fixtures/frameworks/sqitch'],
};

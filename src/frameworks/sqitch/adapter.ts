import path from 'node:path';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit } from '../../sources/sql-common.js';

/** sqitch: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

export const sqitchAdapter: FrameworkAdapter = {
  id: 'sqitch',
  name: 'sqitch',
  commentPrefix: '--',
  extract(file, ctx) {
    const folder = path.basename(path.dirname(path.resolve(file.path)));
    if (folder === 'revert' && !ctx.settings.includeDown) return unit(file, 'sqitch', []);
    // sqitch deploys with psql: statement by statement; its template's BEGIN/COMMIT is tracked as explicit SQL.
    return unit(file, 'sqitch', [
      slice(file, 0, file.text.length, { wrapped: false, reason: 'sqitch runs the script with psql, statement by statement', oneQuery: false }),
    ]);
  },
};

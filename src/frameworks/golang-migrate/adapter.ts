import type { ExecutionContext } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, option, isBool, OWN_MIGRATION } from '../../sources/sql-common.js';

/** golang-migrate: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

export const golangMigrateAdapter: FrameworkAdapter = {
  id: 'golang-migrate',
  name: 'golang-migrate',
  commentPrefix: '--',
  extract(file, ctx) {
    if (/\.down\.sql$/i.test(file.path) && !ctx.settings.includeDown) return unit(file, 'golang-migrate', []);
    const multi = option(ctx, 'golang-migrate', 'multiStatement', isBool, 'true or false') ?? false;
    const exec: ExecutionContext = multi
      ? { wrapped: false, reason: 'golang-migrate (x-multi-statement=true) sends the statements one by one', oneQuery: false }
      : { wrapped: false, reason: 'golang-migrate sends this file as one query', oneQuery: true };
    return unit(
      file,
      'golang-migrate',
      [slice(file, 0, file.text.length, exec)],
      multi ? 'runs with x-multi-statement=true (frameworkOptions["golang-migrate"].multiStatement)' : undefined,
    );
  },
  escapeTransaction() {
    return {
      kind: 'manual',
      help: `${OWN_MIGRATION} (migrate create -ext sql …): golang-migrate sends a file as one query, so a CONCURRENTLY statement must be the only statement of its file.`,
    };
  },
};

import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, option, OWN_MIGRATION } from '../../sources/sql-common.js';

/** Prisma: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

export const prismaAdapter: FrameworkAdapter = {
  id: 'prisma',
  name: 'Prisma',
  commentPrefix: '--',
  extract(file, ctx) {
    const engine =
      option(
        ctx,
        'prisma',
        'engine',
        (v): v is 'one-query' | 'per-statement' => v === 'one-query' || v === 'per-statement',
        '"one-query" or "per-statement"',
      ) ?? 'one-query';
    const oneQuery = engine === 'one-query';
    return unit(
      file,
      'prisma',
      [
        slice(file, 0, file.text.length, {
          wrapped: false,
          reason: oneQuery ? 'Prisma Migrate sends migration.sql as one query' : 'Prisma Migrate runs migration.sql statement by statement',
          oneQuery,
        }),
      ],
      oneQuery
        ? 'the schema engine sends migration.sql as one query, as older engines do (set frameworkOptions.prisma.engine to "per-statement" for engines that run it statement by statement)'
        : 'the schema engine runs migration.sql statement by statement (frameworkOptions.prisma.engine = "per-statement")',
    );
  },
  escapeTransaction() {
    return {
      kind: 'manual',
      help: `${OWN_MIGRATION} (prisma migrate dev --create-only, then leave only this statement in its migration.sql), or run it out of band and mark the migration applied with prisma migrate resolve --applied <migration>.`,
    };
  },
};

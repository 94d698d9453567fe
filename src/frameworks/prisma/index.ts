import { DRIZZLE_V1_DIR } from '../drizzle/index.js';
import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { prismaAdapter } from './adapter.js';

const PRISMA_DIR = /^\d{14}_[^/]+$/;

export const prisma: FrameworkModule = {
  id: 'prisma',
  name: 'Prisma',
  language: 'sql',
  detect: [
    {
      priority: 680,
      describe: '`<ts>_<name>/migration.sql` with `migration_lock.toml` above it, or under `prisma/migrations/`',
      test: (f) =>
        f.base === 'migration.sql' &&
        DRIZZLE_V1_DIR.test(f.parentName) &&
        (f.fs.exists(joinName(f.grand, 'migration_lock.toml')) || /\/prisma\/migrations\//.test(f.posix)),
    },
    {
      priority: 660,
      describe: '`migration.sql` in a `<ts>_<name>` folder, or with `migration_lock.toml` above it',
      test: (f) => f.base === 'migration.sql' && (PRISMA_DIR.test(f.parentName) || f.fs.exists(joinName(f.grand, 'migration_lock.toml'))),
    },
  ],
  discovery: { globs: ['**/migrations/*/migration.sql'], folders: ['prisma/migrations'] },
  history: { describe: 'by the timestamp that leads the folder name' },
  execution: {
    wraps: 'none',
    oneQuery: 'yes',
    summary:
      'The schema engine sends `migration.sql` as one query, with no transaction; `frameworkOptions: { prisma: { engine: "per-statement" } }` for engines that run statement by statement.',
    optOuts: [{ syntax: 'engine: "per-statement"', in: 'config' }],
  },
  adapter: prismaAdapter,
  generatedFrom: () => 'schema.prisma (then prisma migrate dev)',
  readme: '#prisma',
  fixtures: ['fixtures/frameworks/prisma'],
};

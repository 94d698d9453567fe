import { typeormAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

/** A class with a method `up(queryRunner)` (`async up(queryRunner) {`, typed or not). */
const upTakesQueryRunner = (text: string): boolean => /\bup\s*\(\s*queryRunner\b/.test(text) && /\bclass\s/.test(text);

export const typeorm: FrameworkModule = {
  id: 'typeorm',
  name: 'TypeORM',
  language: 'js',
  detect: [
    {
      priority: 860,
      describe: '`implements MigrationInterface`, an import from typeorm, or a class whose `up` takes a `queryRunner`',
      // Plain-JS migrations (Misskey's `migration/*.js`) import nothing and implement no interface: the class's
      // `async up(queryRunner)` is what TypeORM's MigrationExecutor calls, and no other tool names its argument so.
      test: (f) => isJs(f) && (/\bMigrationInterface\b|from\s+['"]typeorm['"]/.test(f.text) || upTakesQueryRunner(f.text)),
    },
  ],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['src/migrations', 'migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-run',
    oneQuery: 'per-chunk',
    summary:
      'All pending migrations in one transaction (`migrationsTransactionMode: "all"`); under `each` (frameworkOptions.typeorm.migrationsTransactionMode) a class field `transaction = false` opts out. Each `queryRunner.query` string is one query.',
    optOuts: [
      { syntax: 'transaction = false', in: 'file' },
      { syntax: 'migrationsTransactionMode', in: 'config' },
    ],
  },
  adapter: typeormAdapter,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/typeorm', 'fixtures/frameworks/typeorm-each'],
};

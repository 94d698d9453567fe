import type { FrameworkModule } from '../types.js';
import { efCoreAdapter } from './adapter.js';
import { isEfMigration } from './extract.js';

const isCSharp = (p: string): boolean => /\.cs$/i.test(p);

/** The files EF Core writes beside each migration: its model as of that migration, and the current model. */
const NOT_MIGRATION = /(\.Designer|ModelSnapshot)\.cs$/;

export const efCore: FrameworkModule = {
  id: 'ef-core',
  name: 'EF Core',
  language: 'csharp',
  detect: [
    {
      priority: 973,
      describe: 'a `.cs` class overriding `Up(MigrationBuilder …)` (an EF Core migration)',
      test: (f) => isCSharp(f.path) && !NOT_MIGRATION.test(f.base) && isEfMigration(f.text),
    },
  ],
  discovery: { globs: ['**/Migrations/*.cs', '**/Migrations/**/*.cs'], folders: ['Migrations'] },
  notMigration: (f) =>
    NOT_MIGRATION.test(f.base) && /(^|\/)Migrations\//i.test(f.posix)
      ? `${f.base} is EF Core's ${f.base.endsWith('ModelSnapshot.cs') ? 'model snapshot (the current model, to diff the next migration against)' : 'migration designer file (the model as of that migration)'}, not a migration: EF Core never runs it against the database, so migralint does not lint it.`
      : null,
  history: { describe: 'by the migration id (the timestamp that leads the file name, as in `[Migration("20240301090000_InitialCreate")]`)' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'per-chunk',
    summary:
      "Each migration in a transaction (EF Core 3.0–9.0: the migrator runs a migration's commands in one transaction). A `migrationBuilder.Sql(…, suppressTransaction: true)` command, and a CreateIndex with Npgsql's `Npgsql:CreatedConcurrently` annotation, commit what ran before and run alone outside it. Each `Sql` string is one command (Npgsql sends its statements as one batch, one implicit transaction).",
    optOuts: [
      { syntax: 'suppressTransaction: true', in: 'file' },
      { syntax: '.Annotation("Npgsql:CreatedConcurrently", true)', in: 'file' },
    ],
  },
  adapter: efCoreAdapter,
  readme: '#ef-core',
  fixtures: ['fixtures/frameworks/ef-core'],
};

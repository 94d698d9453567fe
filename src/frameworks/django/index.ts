import { djangoAdapter, isDjangoMigration } from '../../sources/python/django.js';
import { isPython } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { djangoNewDatabaseOnly, djangoOrder, djangoTogether } from './history.js';
import { djangoRunnerSettings } from './runner.js';

export const django: FrameworkModule = {
  id: 'django',
  name: 'Django',
  language: 'python',
  detect: [
    {
      priority: 910,
      describe:
        '`class Migration(migrations.Migration):` (or a subclass: `class Migration(CheckedMigration):` with `from django.db import migrations`, or imported from a migrations module)',
      test: (f) => isPython(f) && isDjangoMigration(f.text),
    },
  ],
  discovery: { globs: ['**/migrations/[0-9][0-9][0-9][0-9]_*.py'], folders: [], markers: ['manage.py'] },
  history: {
    describe:
      "each migration's dependencies, across the project's apps (squashed migrations replayed as their originals; one whose originals are gone runs only on a new database)",
    // All apps of a Django project are one history: migrations depend on other apps' migrations.
    root: () => 'django',
    order: (files, ctx) => djangoOrder(files, ctx.warnings, ctx.readFile),
    deployedTogether: djangoTogether,
    newDatabaseOnly: djangoNewDatabaseOnly,
  },
  execution: {
    wraps: 'per-file',
    oneQuery: 'no',
    summary: 'Each migration in a transaction unless the class says `atomic = False`; `AddIndexConcurrently` / `RemoveIndexConcurrently` need that.',
    optOuts: [{ syntax: 'atomic = False', in: 'file' }],
  },
  adapter: djangoAdapter,
  runnerSettings: djangoRunnerSettings,
  generatedFrom: () => 'the model field (then manage.py makemigrations)',
  readme: '#python-migrations-alembic-and-django',
  fixtures: ['fixtures/frameworks/django'],
};

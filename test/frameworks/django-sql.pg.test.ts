import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadParsers } from '../../src/engine/lint-text.js';
import { DJANGO_PROJECTS, recordingPath, recordProject, type DjangoRecording } from '../../scripts/django-sqlmigrate.js';
import { djangoStatements, migralintStatements } from './django-sql.js';

/**
 * The live comparison: real Django (installed by `.ci/test-tools` into node_modules/.cache) runs sqlmigrate and
 * migrate on the embedded PostgreSQL, migration by migration. Its SQL must equal both the committed recording
 * (so the offline test compares with what Django really sends today) and what migralint derives.
 */
describe('Django: migralint and a live sqlmigrate agree', () => {
  for (const project of DJANGO_PROJECTS) {
    it(`${project.dir}`, { timeout: 240_000 }, async () => {
      await loadParsers();
      const live = await recordProject(project);
      const recorded = JSON.parse(readFileSync(recordingPath(project), 'utf8')) as DjangoRecording;
      expect(live.migrations.map((m) => djangoStatements(m.sql))).toEqual(recorded.migrations.map((m) => djangoStatements(m.sql)));
      const ours = migralintStatements(project.dir);
      for (const m of live.migrations)
        expect({ migration: `${m.app}/${m.name}`, statements: ours.get(`${m.app}/${m.name}`) }).toEqual({
          migration: `${m.app}/${m.name}`,
          statements: djangoStatements(m.sql),
        });
    });
  }
});

/**
 * Records what real Django sends to PostgreSQL for the Django fixture projects: starts the embedded PostgreSQL,
 * runs scripts/django-sqlmigrate.py (manage.py sqlmigrate, then migrate, migration by migration) with the Django
 * that `.ci/test-tools` installs, and writes the result beside the project as sqlmigrate.json.
 *
 *     node --import tsx scripts/django-sqlmigrate.ts            # rewrites each project's sqlmigrate.json
 *     node --import tsx scripts/django-sqlmigrate.ts --check    # fails when a recording differs from real Django
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbedded } from '../src/trace/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Django fixture projects and their settings modules. */
export const DJANGO_PROJECTS = [{ dir: 'fixtures/frameworks/django-store', settings: 'store.settings' }];

/** Where `.ci/test-tools` installs Django (and psycopg2) in a virtualenv of their own. */
export const DJANGO_PYTHON = path.join(ROOT, 'node_modules', '.cache', 'migralint-test-tools', 'django-5', 'bin', 'python');

export interface DjangoRecording {
  producedBy: string;
  django: string;
  postgres: string;
  migrations: Array<{ app: string; name: string; sql: string }>;
}

/** Runs real Django's sqlmigrate over one project on a fresh database of the embedded PostgreSQL. */
export async function recordProject(project: { dir: string; settings: string }): Promise<DjangoRecording> {
  if (!existsSync(DJANGO_PYTHON))
    throw new Error(
      `Django is not installed at ${DJANGO_PYTHON}: run \`.ci/test-tools\` (it makes a virtualenv there and installs Django and psycopg2 with pip)`,
    );
  const server = await startEmbedded();
  try {
    const db = `django_${path.basename(project.dir).replace(/\W/g, '_')}`;
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`);
    } finally {
      await admin.end();
    }
    const run = spawnSync(DJANGO_PYTHON, [path.join(ROOT, 'scripts/django-sqlmigrate.py'), path.join(ROOT, project.dir), '--settings', project.settings], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: server.url(db), PYTHONDONTWRITEBYTECODE: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`django-sqlmigrate.py failed (${run.status}):\n${run.stderr}`);
    const out = JSON.parse(run.stdout) as Omit<DjangoRecording, 'producedBy'>;
    return {
      producedBy:
        'node --import tsx scripts/django-sqlmigrate.ts (manage.py sqlmigrate, then migrate, for each migration in graph order, on an empty database)',
      ...out,
    };
  } finally {
    await server.stop();
  }
}

export function recordingPath(project: { dir: string }): string {
  return path.join(ROOT, project.dir, 'sqlmigrate.json');
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let failed = false;
  for (const project of DJANGO_PROJECTS) {
    const rec = await recordProject(project);
    const text = `${JSON.stringify(rec, null, 1)}\n`;
    const file = recordingPath(project);
    if (check) {
      const old = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DjangoRecording) : undefined;
      const same = old && JSON.stringify(old.migrations) === JSON.stringify(rec.migrations);
      if (!same) failed = true;
      console.log(`${project.dir}: ${same ? 'the recording matches' : 'the recording differs from'} Django ${rec.django}`);
    } else {
      writeFileSync(file, text);
      console.log(`${path.relative(ROOT, file)}: ${rec.migrations.length} migrations, Django ${rec.django}, PostgreSQL ${rec.postgres}`);
    }
  }
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

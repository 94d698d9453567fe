import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { diskFileSystem } from '../../src/disk.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { replaySource, ProjectHistory } from '../../src/project/history.js';
import { adapterFor } from '../../src/sources/index.js';
import type { SourceFile } from '../../src/types.js';
import { ROOT } from './helpers.js';

/**
 * Compares what migralint derives from a Django project's migrations with what real Django's sqlmigrate printed
 * for them (scripts/django-sqlmigrate.ts), migration by migration, statement by statement.
 */

/** One statement in a form both sides share: comments gone, whitespace collapsed, no space before a parenthesis. */
export function normalise(statement: string): string {
  return statement
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
    .replace(/\s*,\s*/g, ', ')
    .trim();
}

/** sqlmigrate's output as statements: `--` lines and BEGIN/COMMIT dropped, split at semicolons. */
export function djangoStatements(sql: string): string[] {
  const body = sql
    .split('\n')
    .filter((l) => !l.startsWith('--') && l.trim() !== 'BEGIN;' && l.trim() !== 'COMMIT;')
    .join('\n');
  return body.split(';').map(normalise).filter(Boolean);
}

function migrationFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...migrationFiles(p));
    else if (/[\\/]migrations[\\/]\d{4}_\w+\.py$/.test(p)) out.push(p);
  }
  return out.sort();
}

/** migralint's statements for each migration of the project (`app/name`), replayed in the history's order. */
export function migralintStatements(projectDir: string): Map<string, string[]> {
  const dir = path.join(ROOT, projectDir);
  const files = migrationFiles(dir);
  const fs = diskFileSystem();
  const read = (f: string): SourceFile => ({ path: f, text: readFileSync(f, 'utf8'), bom: false });
  const { history, sources } = ProjectHistory.plan(files, ROOT, read, () => undefined, fs);
  const out = new Map<string, string[]>();
  for (const planned of history.order(files)) {
    const source = sources.get(planned.path)!;
    const model = history.modelFor(planned.path)!;
    const unit = adapterFor('django').extract(source, { settings: DEFAULT_SETTINGS, warn: () => undefined, fs, state: model.schema.framework });
    const statements = unit.items
      .flatMap((item) => (item.kind === 'operation' ? item.sql.split(';\n') : item.text.split(';')))
      .map(normalise)
      .filter(Boolean);
    const app = path.basename(path.dirname(path.dirname(planned.path)));
    out.set(`${app}/${path.basename(planned.path, '.py')}`, statements);
    history.record(planned.path, replaySource(source, { settings: DEFAULT_SETTINGS, fs, framework: 'django' }, model.schema).delta);
    history.advance(planned.path);
  }
  return out;
}

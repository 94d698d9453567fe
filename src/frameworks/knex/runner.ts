import path from 'node:path';
import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import { asRunner, firstFile, fromSetStatements, fromUrl, parsedOnce, upwards, urlsIn, type FoundSetting } from '../session-settings.js';

const KNEXFILES = ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs'];

/**
 * The session settings of Knex's connections, as the knexfile says (found from the migrations folder upwards): a
 * `SET lock_timeout …` run in `pool: { afterCreate(conn, done) { … } }` (on every new connection; a RESET undoes
 * it), or a connection string with `options=-c lock_timeout=…`.
 */
export function knexRunnerSettings(migration: string, fs: FileSystem): RunnerSettings {
  const knexfile = firstFile(fs, upwards(path.dirname(path.resolve(migration)), 4), KNEXFILES);
  if (!knexfile) return {};
  return parsedOnce(fs, 'knex', knexfile.file, knexfile.text, () => fromKnexfile(knexfile.file, knexfile.text, fs));
}

function fromKnexfile(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  const hook = text.search(/\bafterCreate\b/);
  if (hook >= 0) {
    for (const f of fromSetStatements(text)) if (f.offset > hook) found.push({ ...f, how: `pool.afterCreate runs SET ${f.name}` });
  }
  for (const u of urlsIn(text)) for (const f of fromUrl(u.url)) found.push({ ...f, offset: u.offset, how: `connection options=-c ${f.name}`, option: true });
  return asRunner(file, text, found, fs);
}

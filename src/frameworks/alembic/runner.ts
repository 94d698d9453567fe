import path from 'node:path';
import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import { asRunner, fromOptions, fromSetStatements, fromUrl, merged, parsedOnce, urlsIn, type FoundSetting } from '../session-settings.js';

/**
 * The session settings of the connection Alembic migrates with, as the project's env.py (beside versions/) and
 * alembic.ini say: a `SET lock_timeout …` env.py runs on the connection before it runs the migrations (a session
 * SET: RESET undoes it), `connect_args={"options": "-c lock_timeout=…"}`, or a `sqlalchemy.url` with
 * `options=-c lock_timeout=…` (connection options).
 */
export function alembicRunnerSettings(migration: string, fs: FileSystem): RunnerSettings {
  const scripts = path.dirname(path.dirname(path.resolve(migration)));
  const envPy = path.join(scripts, 'env.py');
  const envText = fs.readFile(envPy);
  const fromEnv = envText === undefined ? {} : parsedOnce(fs, 'alembic-env', envPy, envText, () => fromEnvPy(envPy, envText, fs));
  for (const ini of [path.join(path.dirname(scripts), 'alembic.ini'), path.join(scripts, 'alembic.ini')]) {
    const text = fs.readFile(ini);
    if (text !== undefined)
      return merged(
        fromEnv,
        parsedOnce(fs, 'alembic-ini', ini, text, () => fromIni(ini, text, fs)),
      );
  }
  return fromEnv;
}

function fromEnvPy(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  // A SET in a Python string, executed on the connection the migrations run on.
  for (const f of fromSetStatements(text)) {
    if (/^\s*#/.test(text.slice(text.lastIndexOf('\n', f.offset) + 1, f.offset))) continue;
    found.push({ ...f, how: `SET ${f.name} on the migration connection` });
  }
  for (const m of text.matchAll(/['"]options['"]\s*:\s*(['"])((?:(?!\1).)*)\1/g)) {
    for (const f of fromOptions(m[2]!)) found.push({ ...f, offset: m.index, how: `connect_args options -c ${f.name}`, option: true });
  }
  return asRunner(file, text, found, fs);
}

function fromIni(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  for (const m of text.matchAll(/^\s*sqlalchemy\.url\s*=\s*(\S+)/gm)) {
    for (const u of urlsIn(m[1]!))
      for (const f of fromUrl(u.url)) found.push({ ...f, offset: m.index, how: `sqlalchemy.url options=-c ${f.name}`, option: true });
  }
  return asRunner(file, text, found, fs);
}

import path from 'node:path';
import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import { asRunner, firstFile, fromSetStatements, fromUrl, parsedOnce, upwards, urlsIn, type FoundSetting } from '../session-settings.js';

/**
 * The session settings of Flyway's connection, as the project's flyway.conf or flyway.toml says (found from the
 * migrations folder upwards, also in conf/): `initSql` (SQL Flyway runs on each connection right after opening it;
 * a RESET undoes a SET there), or `url` with `options=-c lock_timeout=…` (pgjdbc's connection options).
 */
export function flywayRunnerSettings(migration: string, fs: FileSystem): RunnerSettings {
  const dirs = upwards(path.dirname(path.resolve(migration)), 8).flatMap((d) => [d, path.join(d, 'conf')]);
  const conf = firstFile(fs, dirs, ['flyway.conf', 'flyway.toml']);
  if (!conf) return {};
  return parsedOnce('flyway', conf.file, conf.text, () => fromConf(conf.file, conf.text));
}

function fromConf(file: string, text: string): RunnerSettings {
  const found: FoundSetting[] = [];
  // flyway.initSql=SET lock_timeout = '5s' (conf), initSql = "SET lock_timeout = '5s'" (toml).
  for (const m of text.matchAll(/^[ \t]*(?:flyway\.)?initSql[ \t]*[=:][ \t]*(.*)$/gm)) {
    for (const f of fromSetStatements(m[1]!)) found.push({ ...f, offset: m.index, how: `initSql runs SET ${f.name}` });
  }
  for (const m of text.matchAll(/^[ \t]*(?:flyway\.)?url[ \t]*[=:][ \t]*(.*)$/gm)) {
    for (const u of urlsIn(m[1]!)) for (const f of fromUrl(u.url)) found.push({ ...f, offset: m.index, how: `url options=-c ${f.name}`, option: true });
  }
  return asRunner(file, text, found);
}

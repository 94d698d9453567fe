import path from 'node:path';
import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import { asRunner, firstFile, fromSetStatements, fromUrl, merged, parsedOnce, upwards, urlsIn, type FoundSetting } from '../session-settings.js';

/**
 * The session settings of Flyway's connection, as the project's flyway.conf or flyway.toml says (found from the
 * migrations folder upwards, also in conf/): `initSql` (SQL Flyway runs on each connection right after opening it;
 * a RESET undoes a SET there), or `url` with `options=-c lock_timeout=…` (pgjdbc's connection options). In a Spring
 * Boot application (migrations under src/main/resources), `spring.flyway.init-sqls` in its application.properties or
 * application.yml, which Spring hands to Flyway's initSql.
 */
export function flywayRunnerSettings(migration: string, fs: FileSystem): RunnerSettings {
  const up = upwards(path.dirname(path.resolve(migration)), 8);
  const conf = firstFile(
    fs,
    up.flatMap((d) => [d, path.join(d, 'conf')]),
    ['flyway.conf', 'flyway.toml'],
  );
  const fromFlyway = conf ? parsedOnce(fs, 'flyway', conf.file, conf.text, () => fromConf(conf.file, conf.text, fs)) : {};
  const resources = up.find((d) => /[\\/]src[\\/]main[\\/]resources$/.test(d));
  const spring = resources ? firstFile(fs, [resources], ['application.properties', 'application.yml', 'application.yaml']) : undefined;
  const fromSpring = spring ? parsedOnce(fs, 'flyway-spring', spring.file, spring.text, () => fromSpringConfig(spring.file, spring.text, fs)) : {};
  return merged(fromFlyway, fromSpring);
}

/** `spring.flyway.init-sqls=SET lock_timeout …` (properties), or `init-sqls:` with the SQL on its line or the list items after it (YAML). */
function fromSpringConfig(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  for (const m of text.matchAll(/^([ \t]*)(?:spring\.flyway\.)?init-sqls[ \t]*[=:][ \t]*(.*)$/gm)) {
    let sql = m[2]!;
    if (!sql.trim()) {
      // A YAML list: the indented `- …` lines after the key.
      const rest = text
        .slice(m.index + m[0].length)
        .split(/\r?\n/)
        .slice(1);
      const items = [];
      for (const line of rest) {
        if (!/^\s*-\s/.test(line)) break;
        items.push(line);
      }
      sql = items.join('\n');
    }
    for (const f of fromSetStatements(sql)) found.push({ ...f, offset: m.index, how: `spring.flyway.init-sqls runs SET ${f.name}` });
  }
  return asRunner(file, text, found, fs);
}

function fromConf(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  // flyway.initSql=SET lock_timeout = '5s' (conf), initSql = "SET lock_timeout = '5s'" (toml).
  for (const m of text.matchAll(/^[ \t]*(?:flyway\.)?initSql[ \t]*[=:][ \t]*(.*)$/gm)) {
    for (const f of fromSetStatements(m[1]!)) found.push({ ...f, offset: m.index, how: `initSql runs SET ${f.name}` });
  }
  for (const m of text.matchAll(/^[ \t]*(?:flyway\.)?url[ \t]*[=:][ \t]*(.*)$/gm)) {
    for (const u of urlsIn(m[1]!)) for (const f of fromUrl(u.url)) found.push({ ...f, offset: m.index, how: `url options=-c ${f.name}`, option: true });
  }
  return asRunner(file, text, found, fs);
}

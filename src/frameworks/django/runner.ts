import type { FileSystem } from '../../fs.js';
import type { RunnerSettings } from '../../types.js';
import { asRunner, fromOptions, parsedOnce, type FoundSetting } from '../session-settings.js';
import { djangoSettingsFile } from './settings.js';

/**
 * The session settings Django's connections start with, as the settings module says: a database's
 * `'OPTIONS': {'options': '-c lock_timeout=5s'}` (psycopg passes it to libpq as connection options, so RESET returns
 * to it). The settings module is the one manage.py names (DJANGO_SETTINGS_MODULE), found from the migration's
 * folder upwards.
 */
export function djangoRunnerSettings(migration: string, fs: FileSystem): RunnerSettings {
  const settings = djangoSettingsFile(migration, fs);
  if (!settings) return {};
  return parsedOnce(fs, 'django', settings.file, settings.text, () => fromSettings(settings.file, settings.text, fs));
}

function fromSettings(file: string, text: string, fs: FileSystem): RunnerSettings {
  const found: FoundSetting[] = [];
  // 'options': '-c lock_timeout=5s -c statement_timeout=60s' (the key is psycopg's, lower case, inside OPTIONS).
  for (const m of text.matchAll(/['"]options['"]\s*:\s*(?:f?(['"])((?:(?!\1).)*)\1)/g)) {
    for (const f of fromOptions(m[2]!)) found.push({ ...f, offset: m.index, how: `OPTIONS 'options': -c ${f.name}`, option: true });
  }
  return asRunner(file, text, found, fs);
}

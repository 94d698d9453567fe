import path from 'node:path';
import { readsOnce, type FileSystem, type Remembered } from '../../fs.js';
import { firstFile, upwards } from '../session-settings.js';

/**
 * The project's settings module, as `manage.py` names it (`os.environ.setdefault("DJANGO_SETTINGS_MODULE",
 * "saleor.settings")`), found from the migration's folder upwards: the module's file (`saleor/settings.py`) or its
 * package (`saleor/settings/__init__.py`), relative to manage.py's folder. Undefined when either is missing.
 * Found once per folder (readsOnce: the files are asked for again, and must say the same).
 */
export function djangoSettingsFile(migration: string, fs: FileSystem): SettingsModule | undefined {
  const dir = path.dirname(path.resolve(migration));
  return readsOnce(settingsModules, dir, fs, (files) => findSettings(dir, files));
}

type SettingsModule = { file: string; text: string; root: string };

const settingsModules = new Map<string, Remembered<SettingsModule | undefined>>();

function findSettings(dir: string, fs: FileSystem): SettingsModule | undefined {
  const manage = firstFile(fs, upwards(dir, 6), ['manage.py']);
  if (!manage) return undefined;
  const module = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(manage.text)?.[1];
  if (!module) return undefined;
  const root = path.dirname(manage.file);
  const base = path.join(root, ...module.split('.'));
  const settings = firstFile(fs, [path.dirname(base)], [`${path.basename(base)}.py`, path.join(path.basename(base), '__init__.py')]);
  return settings ? { ...settings, root } : undefined;
}

/** A setting's model (`account.user`, lower case) and where it is written. */
export interface UserModelSetting {
  key: string;
  /** The file that sets it, or that was read without finding it (then the key is the default, auth.user for AUTH_USER_MODEL). */
  file: string;
}

/** `from .base import *`, `from .base import Base`, `from shop.settings.base import *`: settings split over modules. */
const IMPORT = /^from\s+([\w.]+)\s+import\b/gm;

/** The answer for each settings module and setting (readsOnce): every migration of a project asks the same. */
const read = new Map<string, Remembered<UserModelSetting | undefined>>();

/**
 * The user model Django's `settings.AUTH_USER_MODEL` names, from the settings module and the modules of its own
 * package it imports from (relative imports, or absolute ones under the settings package), one level deep:
 * `AUTH_USER_MODEL = "account.User"` (at module level or in a settings class) gives `account.user`; modules read whole
 * without the name give Django's default `auth.user`. Undefined when the settings cannot be read, one of those
 * modules cannot, or the name is set in a way migralint does not evaluate (`os.environ.get(…)`).
 */
export function djangoUserModel(migration: string, fs: FileSystem): UserModelSetting | undefined {
  return djangoModelSetting(migration, fs, 'AUTH_USER_MODEL', 'auth.user');
}

/**
 * A setting that names a model (`"app_label.Model"`: AUTH_USER_MODEL, or a library's swappable model such as
 * OAUTH2_PROVIDER_APPLICATION_MODEL), read as djangoUserModel reads AUTH_USER_MODEL: `fallback` is the library's
 * default when the modules read never mention the name (none: undefined).
 */
export function djangoModelSetting(migration: string, fs: FileSystem, name: string, fallback?: string): UserModelSetting | undefined {
  const settings = djangoSettingsFile(migration, fs);
  if (!settings) return undefined;
  const key = `${name}\0${fallback ?? ''}\0${settings.root}\0${settings.file}`;
  return readsOnce(read, key, fs, (files) => fromModules(settings, files, name, fallback), settings.text);
}

function fromModules(settings: { file: string; text: string; root: string }, fs: FileSystem, name: string, fallback?: string): UserModelSetting | undefined {
  // `NAME = "account.User"`, at module level or in a settings class (indented).
  const assignment = new RegExp(`^[ \\t]*${name}\\s*=\\s*(['"])(\\w+)\\.(\\w+)\\1\\s*(?:#.*)?$`, 'm');
  const mention = new RegExp(`\\b${name}\\b`);
  const modules = [settings];
  const own = path.relative(settings.root, path.dirname(settings.file)).split(path.sep).join('.');
  for (const m of settings.text.matchAll(IMPORT)) {
    const module = m[1]!;
    // Relative: one dot is the settings module's own package, each more goes one package up.
    const dots = /^\.*/.exec(module)![0].length;
    if (!dots && !(own && (module === own || module.startsWith(`${own}.`)))) continue; // django, os, a library: not settings
    let dir = path.dirname(settings.file);
    for (let i = 1; i < dots; i++) dir = path.dirname(dir);
    const base = dots ? path.join(dir, ...module.slice(dots).split('.').filter(Boolean)) : path.join(settings.root, ...module.split('.'));
    const found = firstFile(fs, [path.dirname(base)], [`${path.basename(base)}.py`, path.join(path.basename(base), '__init__.py')]);
    if (!found) return undefined; // a module of the settings migralint cannot read may set it
    modules.push({ ...found, root: settings.root });
  }
  // The settings module itself first: what it sets wins over what it imports.
  for (const m of modules) {
    const set = assignment.exec(m.text);
    if (set) return { key: `${set[2]}.${set[3]}`.toLowerCase(), file: m.file };
  }
  if (modules.some((m) => mention.test(m.text))) return undefined; // set to something migralint does not evaluate
  return fallback ? { key: fallback, file: settings.file } : undefined;
}

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './error.js';
import { joinName, resolveHere } from '../paths.js';
import type { Config } from './schema.js';

export { ConfigError } from './error.js';

const HOME = path.resolve(os.homedir());
const SEARCH_PLACES = ['migralint.config.js', 'migralint.config.mjs', 'migralint.config.json', '.migralintrc.json', 'package.json'];
/** The names a folder's config can have (the files the search looks for in each folder). */
export const CONFIG_FILE_NAMES: ReadonlySet<string> = new Set(SEARCH_PLACES);

function jsonLoader(filepath: string, content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw new ConfigError(`not valid JSON: ${(error as Error).message}`, filepath);
  }
}

/**
 * import() of a config file. bin/migralint.js runs the CLI's bundle as a script it compiles itself (node:vm, to keep
 * V8's compiled code between runs), where Node 20 cannot route an import() once the code comes from that cache: it
 * hands in its own import() under this symbol. Elsewhere (the library, tests) this is plain import().
 */
const HOST_IMPORT = Symbol.for('migralint.import');

function importModule(url: string): Promise<unknown> {
  const host = (globalThis as { [HOST_IMPORT]?: (url: string) => Promise<unknown> })[HOST_IMPORT];
  return host ? host(url) : import(url);
}

async function esmLoader(filepath: string): Promise<unknown> {
  const mod = (await importModule(pathToFileURL(filepath).href)) as { default?: unknown };
  return mod.default ?? mod;
}

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined when no config was found. */
  file?: string;
  /** Directory relative paths in the config (stats, globs) resolve against. */
  dir: string;
}

/**
 * Finds configs upward from each linted file's directory, once per directory: in each folder the first of
 * SEARCH_PLACES that exists, is not empty, and (package.json) has a "migralint" key that is not null or false; the
 * search stops after the home directory or at the root. (lilconfig's search, as this used, done synchronously: its
 * module loads node's fs/promises, and the search asked for each folder's files one await at a time, for a
 * one-file lint's start-up. Only a JavaScript config is loaded asynchronously, by import().)
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, Promise<LoadedConfig>>();
  /** The configs found so far, by folder, once loaded: a run asks for each of a long history's files. */
  private readonly loadedByDir = new Map<string, LoadedConfig>();
  private explicit?: Promise<LoadedConfig>;
  /** Folders whose listing the run has read already (discovery's walk): the config file names each holds. */
  private readonly listings = new Map<string, ReadonlySet<string>>();

  private explicitLoaded?: LoadedConfig;

  constructor(explicitPath?: string) {
    if (explicitPath) {
      this.explicit = loadConfigFile(explicitPath);
      this.explicit.then(
        (loaded) => (this.explicitLoaded = loaded),
        () => undefined,
      );
    }
  }

  forFile(file: string): Promise<LoadedConfig> {
    if (this.explicit) return this.explicit;
    return this.forDir(path.dirname(resolveHere(file)));
  }

  /**
   * The config of the file's folder when forFile has already found and loaded it, without waiting a turn of the event
   * loop for it; else undefined (ask forFile).
   */
  loadedFor(file: string): LoadedConfig | undefined {
    return this.explicit ? this.explicitLoaded : this.loadedByDir.get(path.dirname(resolveHere(file)));
  }

  /**
   * Tells the search which of CONFIG_FILE_NAMES the folder `dir` (absolute) holds, as a listing of it read in this
   * run shows: the search then looks only for those there, not for each name in turn (five lookups per folder,
   * for each folder of a corpus a warm run walks).
   */
  listed(dir: string, configFiles: readonly string[]): void {
    this.listings.set(resolveHere(dir), new Set(configFiles));
  }

  private forDir(dir: string): Promise<LoadedConfig> {
    let found = this.byDir.get(dir);
    if (found) return found;
    let own: Promise<LoadedConfig> | undefined;
    try {
      own = configIn(dir, this.listings.get(dir));
    } catch (error) {
      own = Promise.reject(asConfigError(error));
    }
    const parent = path.dirname(dir) || path.sep;
    if (own) found = own;
    else if (dir === HOME || parent === dir) found = Promise.resolve({ config: {}, dir: process.cwd() });
    // A folder with none of the config files (most migration folders) has its parent's config.
    else found = this.forDir(parent);
    this.byDir.set(dir, found);
    found.then(
      (loaded) => this.loadedByDir.set(dir, loaded),
      () => undefined,
    );
    return found;
  }
}

/**
 * The config a folder itself holds, or undefined when it has none. A file that cannot be read, or JSON that does not
 * parse, throws (as a folder's config it is an error, not a reason to look further up). `present`: the config file
 * names a listing of the folder holds, when it was read; a name it does not hold is not looked for.
 */
function configIn(dir: string, present?: ReadonlySet<string>): Promise<LoadedConfig> | undefined {
  for (const place of SEARCH_PLACES) {
    if (present && !present.has(place)) continue;
    const file = joinName(dir, place);
    if (!existsSync(file)) continue;
    const content = readFileSync(file, 'utf8');
    if (place === 'package.json') {
      // The "migralint" key; a null, false, 0 or empty string one counts as none (so lilconfig did).
      const config = (jsonLoader(file, content) as Record<string, unknown>).migralint || null;
      if (config == null) continue;
      return loaded(config, file);
    }
    if (content.trim() === '') continue;
    if (/\.m?js$/.test(place)) {
      return esmLoader(file).then(
        (data) => loaded(data, file),
        (error: unknown) => {
          throw asConfigError(error);
        },
      );
    }
    const data = jsonLoader(file, content);
    return loaded(data, file);
  }
  return undefined;
}

/** A config folder's error as a ConfigError (a file that cannot be read, a JavaScript config that throws). */
function asConfigError(error: unknown): ConfigError {
  return error instanceof ConfigError ? error : new ConfigError((error as Error).message);
}

async function loaded(data: unknown, file: string): Promise<LoadedConfig> {
  return { config: await validate(data, file), file, dir: path.dirname(file) };
}

/** The validator (zod) is loaded only when there is a config to validate: it costs start-up time. */
async function validate(data: unknown, file: string): Promise<Config> {
  const { validateConfig } = await import('./validate.js');
  return validateConfig(data, file);
}

export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let content: string;
  try {
    content = readFileSync(abs, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, file);
  }
  let data: unknown;
  if (/\.(m?js|cjs)$/.test(abs)) {
    try {
      data = await esmLoader(abs);
    } catch (error) {
      throw new ConfigError(`cannot load config: ${(error as Error).message}`, file);
    }
  } else {
    data = jsonLoader(abs, content);
    if (path.basename(abs) === 'package.json') data = (data as { migralint?: unknown }).migralint ?? {};
  }
  return { config: await validate(data, abs), file: abs, dir: path.dirname(abs) };
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lilconfig, type LilconfigResult, type Loader } from 'lilconfig';
import { ConfigError } from './error.js';
import type { Config } from './schema.js';

export { ConfigError } from './error.js';

const HOME = path.resolve(os.homedir());
const SEARCH_PLACES = ['migralint.config.js', 'migralint.config.mjs', 'migralint.config.json', '.migralintrc.json', 'package.json'];

const jsonLoader: Loader = (filepath, content) => {
  try {
    // lilconfig itself picks the "migralint" key out of package.json.
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw new ConfigError(`not valid JSON: ${(error as Error).message}`, filepath);
  }
};

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

const esmLoader: Loader = async (filepath) => {
  const mod = (await importModule(pathToFileURL(filepath).href)) as { default?: unknown };
  return mod.default ?? mod;
};

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined when no config was found. */
  file?: string;
  /** Directory relative paths in the config (stats, globs) resolve against. */
  dir: string;
}

/** Finds configs upward from each linted file's directory, once per directory. */
export class ConfigResolver {
  private readonly explorer = lilconfig('migralint', {
    searchPlaces: SEARCH_PLACES,
    loaders: { '.json': jsonLoader, '.js': esmLoader, '.mjs': esmLoader, noExt: jsonLoader },
  });
  private readonly byDir = new Map<string, Promise<LoadedConfig>>();
  private explicit?: Promise<LoadedConfig>;

  constructor(explicitPath?: string) {
    if (explicitPath) this.explicit = loadConfigFile(explicitPath);
  }

  forFile(file: string): Promise<LoadedConfig> {
    if (this.explicit) return this.explicit;
    return this.forDir(path.dirname(path.resolve(file)));
  }

  private forDir(dir: string): Promise<LoadedConfig> {
    let found = this.byDir.get(dir);
    if (found) return found;
    // A folder with none of the config files (most migration folders) has its parent's config: asked once per
    // folder, synchronously, instead of one search per folder. lilconfig stops at the home directory; so does this.
    const parent = path.dirname(dir);
    if (parent !== dir && dir !== HOME && !hasConfigFile(dir)) {
      found = this.forDir(parent);
      this.byDir.set(dir, found);
      return found;
    }
    found = this.explorer.search(dir).then(
      (result: LilconfigResult) => toLoaded(result),
      (error: unknown) => {
        throw error instanceof ConfigError ? error : new ConfigError((error as Error).message);
      },
    );
    this.byDir.set(dir, found);
    return found;
  }
}

/**
 * Whether a folder holds one of the config files: one listing of it rather than a lookup per name (a long history has
 * a folder per migration). A folder that cannot be listed is asked name by name.
 */
function hasConfigFile(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return SEARCH_PLACES.some((p) => existsSync(path.join(dir, p)));
  }
  // Compared without case: a case-insensitive disk finds package.json as Package.json (a search there costs only time).
  return names.some((name) => SEARCH_PLACES.includes(name.toLowerCase()));
}

/** The validator (zod) is loaded only when there is a config to validate: it costs start-up time. */
async function validate(data: unknown, file: string): Promise<Config> {
  const { validateConfig } = await import('./validate.js');
  return validateConfig(data, file);
}

async function toLoaded(result: LilconfigResult): Promise<LoadedConfig> {
  if (!result || result.isEmpty) return { config: {}, dir: process.cwd() };
  return { config: await validate(result.config, result.filepath), file: result.filepath, dir: path.dirname(result.filepath) };
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
      data = await esmLoader(abs, content);
    } catch (error) {
      throw new ConfigError(`cannot load config: ${(error as Error).message}`, file);
    }
  } else {
    data = jsonLoader(abs, content);
    if (path.basename(abs) === 'package.json') data = (data as { migralint?: unknown }).migralint ?? {};
  }
  return { config: await validate(data, abs), file: abs, dir: path.dirname(abs) };
}

/**
 * Readers for the session settings a migration tool's configuration sets on every connection it migrates with
 * (lock_timeout, statement_timeout): a libpq `options` string (`-c lock_timeout=5s`), a connection URL's
 * `options=` parameter, and `SET …` statements run at connect. Each framework module says where its tool keeps
 * them (FrameworkModule.runnerSettings) and reads the files through the FileSystem; these helpers only read text.
 */
import path from 'node:path';
import type { FileSystem } from '../fs.js';
import { LineIndex } from '../sql/text.js';
import type { RunnerSetting, RunnerSettings } from '../types.js';

export const SESSION_SETTINGS = ['lock_timeout', 'statement_timeout'] as const;
export type SessionSetting = (typeof SESSION_SETTINGS)[number];

/** A setting found in a text, at an offset (for the line the finding names). */
export interface FoundSetting {
  name: SessionSetting;
  value: string;
  offset: number;
  /** How it is set, in the tool's words ("variables: lock_timeout"). */
  how?: string;
  /** A connection option (`-c`, `options=`): RESET returns to it. A SET run at connect is undone by RESET. */
  option?: boolean;
}

const NAME = '(lock_timeout|statement_timeout)';

/** `-c lock_timeout=5s`, `-clock_timeout=5s`, `--lock_timeout=5s` in a libpq options string (offsets within it). */
export function fromOptions(options: string): FoundSetting[] {
  const out: FoundSetting[] = [];
  for (const m of options.matchAll(new RegExp(`(?:-c\\s*|--)${NAME}\\s*=\\s*([^\\s'"]+)`, 'gi'))) {
    out.push({ name: m[1]!.toLowerCase() as SessionSetting, value: m[2]!, offset: m.index });
  }
  return out;
}

/** The `options` parameter of a connection URL (postgres://…?options=-c%20lock_timeout%3D5s, or a JDBC URL). */
export function fromUrl(url: string): FoundSetting[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const out: FoundSetting[] = [];
  for (const part of url.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).toLowerCase() !== 'options') continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      continue;
    }
    out.push(...fromOptions(value).map((f) => ({ ...f, offset: 0 })));
  }
  return out;
}

/** `SET [SESSION] lock_timeout = '5s'` / `TO 5000` inside a text (SET LOCAL is left out: it ends with its transaction). */
export function fromSetStatements(text: string): FoundSetting[] {
  const out: FoundSetting[] = [];
  const re = new RegExp(`\\bSET\\s+(?:SESSION\\s+)?${NAME}\\s*(?:=|\\bTO\\b)\\s*(?:'([^']*)'|\\\\?"([^"\\\\]*)\\\\?"|([\\w.]+))`, 'gi');
  for (const m of text.matchAll(re)) out.push({ name: m[1]!.toLowerCase() as SessionSetting, value: m[2] ?? m[3] ?? m[4]!, offset: m.index });
  return out;
}

/** Connection URLs written in a text (postgres://…, postgresql://…, jdbc:postgresql://…). */
export function urlsIn(text: string): Array<{ url: string; offset: number }> {
  return [...text.matchAll(/(?:jdbc:)?postgres(?:ql)?(?:\+\w+)?:\/\/[^\s'"`<>]+/gi)].map((m) => ({ url: m[0], offset: m.index }));
}

/** A project file as findings name it: relative to the run's directory (the FileSystem's, else the process's), with `/`. */
export function shownPath(file: string, fs?: FileSystem): string {
  const cwd = fs?.cwd ?? process.cwd();
  return (path.relative(cwd, path.resolve(cwd, file)) || file).split(path.sep).join('/');
}

/** The settings found in a file, as the runner's: the first of each name wins. */
export function asRunner(file: string, text: string, found: FoundSetting[], fs?: FileSystem): RunnerSettings {
  const out: RunnerSettings = {};
  const lines = new LineIndex(text);
  for (const f of found) {
    if (out[f.name]) continue;
    const setting: RunnerSetting = { value: f.value, where: `${shownPath(file, fs)} line ${lines.position(f.offset).line}${f.how ? ` (${f.how})` : ''}` };
    if (f.option) setting.connectionOption = true;
    out[f.name] = setting;
  }
  return out;
}

/**
 * What each settings file's text gave: every migration of a project asks for the same files, and each is parsed once.
 * A parse reads nothing but the file's text and the run's directory (which messages name the file from), so those
 * are the key, whatever FileSystem object asks: the CLI gives each file's lint one of its own (to note what it
 * consults), and a cache per FileSystem was a parse of the settings per migration.
 */
const parsed = new Map<string, { text: string; settings: RunnerSettings }>();

export function parsedOnce(fs: FileSystem, kind: string, file: string, text: string, parse: () => RunnerSettings): RunnerSettings {
  const key = `${kind}\0${fs.cwd ?? process.cwd()}\0${file}`;
  const hit = parsed.get(key);
  if (hit && hit.text === text) return hit.settings;
  const settings = parse();
  parsed.set(key, { text, settings });
  return settings;
}

/** The folders from `dir` upwards, `levels` of them at most (dir itself first). */
export function upwards(dir: string, levels: number): string[] {
  const out: string[] = [];
  let d = dir;
  for (let i = 0; i < levels; i++) {
    out.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return out;
}

/** The first of `names` found in any of `dirs` (in order), with its text. */
export function firstFile(fs: FileSystem, dirs: string[], names: string[]): { file: string; text: string } | undefined {
  for (const d of dirs) {
    for (const n of names) {
      const file = path.join(d, n);
      const text = fs.readFile(file);
      if (text !== undefined) return { file, text };
    }
  }
  return undefined;
}

/** Both settings' results merged, the earlier source winning. */
export function merged(...sources: RunnerSettings[]): RunnerSettings {
  const out: RunnerSettings = {};
  for (const s of sources) for (const name of SESSION_SETTINGS) if (!out[name] && s[name]) out[name] = s[name];
  return out;
}

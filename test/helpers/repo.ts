import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';

/** An identity for commits in test repositories, whatever the machine's git config says. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};

/** Runs git in `cwd` and returns its output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });
}

/** Writes `text` to `root/rel`, creating folders; returns the path. */
export function write(root: string, rel: string, text: string): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** Temporary folders for one test file, removed after its tests. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** A copy of the folder `fixture` in `dir`, its file `rel` rewritten by `change` (which must change it); returns `dir`. */
export function fixtureVariant(dir: string, fixture: string, rel: string, change: (text: string) => string): string {
  cpSync(fixture, dir, { recursive: true });
  const p = path.join(dir, rel);
  const before = readFileSync(p, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(p, after);
  return dir;
}

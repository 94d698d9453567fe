import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A git problem the user can act on; the CLI prints the message and exits 2. */
export class GitError extends Error {
  override name = 'GitError';
}

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** node:child_process, loaded when git first runs: most lints never start a process. */
const childProcess = () => createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

async function git(args: string[], cwd: string): Promise<GitRun> {
  const { execFile } = childProcess();
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          reject(new GitError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed or not on PATH' : `cannot run git: ${error.message}`));
          return;
        }
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function topLevel(cwd: string): Promise<string> {
  const r = await git(['rev-parse', '--show-toplevel'], cwd);
  if (r.code !== 0) throw new GitError(`${cwd} is not inside a git repository (needed for --changed-since / --staged)`);
  return r.stdout.trim();
}

function paths(stdout: string, root: string): string[] {
  return stdout
    .split('\0')
    .filter(Boolean)
    .map((p) => path.resolve(root, p));
}

async function isShallow(root: string): Promise<boolean> {
  const r = await git(['rev-parse', '--is-shallow-repository'], root);
  return r.stdout.trim() === 'true';
}

/**
 * Files added, modified, renamed or copied since the merge base of `ref` and HEAD — committed, in the working
 * tree, or new and untracked — as absolute paths. Deleted files are left out. The caller keeps the migrations.
 */
export async function changedSince(ref: string, cwd: string): Promise<string[]> {
  const root = await topLevel(cwd);
  if (ref.startsWith('-')) throw new GitError(`unknown git ref '${ref}'`);
  const verify = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], root);
  if (verify.code !== 0) {
    const hint = (await isShallow(root))
      ? ` This is a shallow clone: fetch the ref first (git fetch --depth=1 origin ${ref.replace(/^origin\//, '')}), or check out with full history (actions/checkout: fetch-depth: 0).`
      : ref.includes('/')
        ? ''
        : ` If it is a remote branch, fetch it (git fetch origin ${ref}) or name it origin/${ref}.`;
    throw new GitError(`unknown git ref '${ref}' for --changed-since.${hint}`);
  }
  const commit = verify.stdout.trim();
  const base = await git(['merge-base', commit, 'HEAD'], root);
  if (base.code !== 0) {
    const hint = (await isShallow(root))
      ? ' This is a shallow clone without enough history to find it: deepen it (git fetch --deepen=200, or fetch-depth: 0 in actions/checkout).'
      : ' The branches share no history.';
    throw new GitError(`no merge base between '${ref}' and HEAD.${hint}`);
  }
  const mergeBase = base.stdout.trim();
  const diff = await git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=AM', mergeBase, '--'], root);
  if (diff.code !== 0) throw new GitError(`git diff failed: ${diff.stderr.trim()}`);
  const untracked = await git(['ls-files', '-z', '--others', '--exclude-standard'], root);
  return [...new Set([...paths(diff.stdout, root), ...paths(untracked.stdout, root)])].sort();
}

/** Files staged in the index (added, copied, modified, renamed): what a pre-commit hook checks. */
export async function stagedFiles(cwd: string): Promise<string[]> {
  const root = await topLevel(cwd);
  const r = await git(['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'], root);
  if (r.code !== 0) throw new GitError(`git diff --cached failed: ${r.stderr.trim()}`);
  return paths(r.stdout, root).sort();
}

/**
 * The staged content of a file (its blob in the git index): what a commit will hold, which may differ from the
 * working tree. Undefined when the file is not in the index.
 */
export async function stagedContent(file: string, cwd: string): Promise<Buffer | undefined> {
  const root = await topLevel(cwd);
  let abs = path.resolve(cwd, file);
  try {
    abs = realpathSync(abs);
  } catch {
    /* deleted in the working tree: the index may still have it */
  }
  const rel = path.relative(realpathSync(root), abs).split(path.sep).join('/');
  const { execFile } = childProcess();
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['cat-file', 'blob', `:${rel}`],
      { cwd: root, maxBuffer: 1024 * 1024 * 1024, encoding: 'buffer', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
      (error, stdout) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') reject(new GitError(`cannot run git: ${error.message}`));
        else resolve(error ? undefined : stdout);
      },
    );
  });
}

/**
 * The default branch (origin's HEAD, else a local main or master) and the files of its newest commit, as absolute
 * real paths. A migration in that commit "looks deployed": it was merged before this change. Null outside git or
 * when there is no such branch.
 */
export async function defaultBranchFiles(cwd: string): Promise<{ ref: string; files: Set<string> } | null> {
  const top = await git(['rev-parse', '--show-toplevel'], cwd);
  if (top.code !== 0) return null;
  const root = top.stdout.trim();
  let ref: string | undefined;
  const head = await git(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], root);
  if (head.code === 0 && head.stdout.trim()) ref = head.stdout.trim();
  for (const candidate of ['main', 'master']) {
    if (ref) break;
    if ((await git(['rev-parse', '--verify', '--quiet', `refs/heads/${candidate}`], root)).code === 0) ref = candidate;
  }
  if (!ref) return null;
  const tree = await git(['ls-tree', '-r', '--name-only', '-z', ref, '--'], root);
  if (tree.code !== 0) return null;
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // keep the path git gave
  }
  return { ref, files: new Set(paths(tree.stdout, real)) };
}

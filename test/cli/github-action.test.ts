/**
 * The GitHub Action: action.yml runs scripts/github-action.sh. Here the script runs locally with the environment
 * GitHub sets for a pull request / push, in a shallow clone made the way actions/checkout makes one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts', 'github-action.sh');
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };
let work: string;
let origin: string;
let before: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv }).trim();
}
function write(dir: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'migralint-action-'));
  origin = path.join(work, 'origin.git');
  git(work, 'init', '-q', '--bare', '-b', 'main', origin);
  const dev = path.join(work, 'dev');
  git(work, 'clone', '-q', origin, dev);
  write(dev, 'db/migrations/20240105093000_create_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);\n');
  write(dev, 'db/migrations/20240212110000_index_orders_customer.sql', 'CREATE INDEX idx_orders_customer ON orders (customer_id);\n');
  git(dev, 'add', '.');
  git(dev, 'commit', '-q', '-m', 'orders');
  git(dev, 'checkout', '-q', '-b', 'feature/index-created-at');
  write(dev, 'db/migrations/20240402120000_add_note.sql', "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n");
  git(dev, 'add', '.');
  git(dev, 'commit', '-q', '-m', 'note');
  before = git(dev, 'rev-parse', 'HEAD');
  write(dev, 'db/migrations/20240403120000_index_orders_created.sql', "SET lock_timeout = '2s';\nCREATE INDEX idx_orders_created ON orders (created_at);\n");
  git(dev, 'add', '.');
  git(dev, 'commit', '-q', '-m', 'index created_at');
  // main moves on after the branch point, several commits deep, so a depth-1 clone lacks the merge base.
  git(dev, 'checkout', '-q', 'main');
  for (let i = 1; i <= 3; i++) {
    write(dev, `db/migrations/2024030${i}000000_main_${i}.sql`, `CREATE INDEX idx_orders_main_${i} ON orders (id);\n`);
    git(dev, 'add', '.');
    git(dev, 'commit', '-q', '-m', `main ${i}`);
  }
  git(dev, 'push', '-q', 'origin', 'main', 'feature/index-created-at');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A workspace as actions/checkout leaves it: one commit deep, only the checked-out branch. */
function checkout(): string {
  const ws = mkdtempSync(path.join(work, 'ws-'));
  git(ws, 'clone', '-q', '--depth=1', '--no-tags', '--branch', 'feature/index-created-at', `file://${origin}`, '.');
  return ws;
}

function runAction(ws: string, env: Record<string, string>) {
  const temp = mkdtempSync(path.join(work, 'runner-temp-'));
  const output = path.join(temp, 'github_output');
  writeFileSync(output, '');
  const event = path.join(temp, 'event.json');
  writeFileSync(event, JSON.stringify(env.EVENT ? JSON.parse(env.EVENT) : {}));
  const r = spawnSync('bash', [script], {
    cwd: ws,
    encoding: 'utf8',
    env: {
      ...gitEnv,
      NO_COLOR: '1',
      MIGRALINT_DATABASE_URL: '',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: output,
      GITHUB_EVENT_PATH: event,
      RUNNER_TEMP: temp,
      ACTION_PATH: root,
      INPUT_COMMAND: `${process.execPath} ${path.join(root, 'bin', 'migralint.js')}`,
      INPUT_PATHS: '',
      INPUT_CHANGED_ONLY: 'true',
      INPUT_SARIF: 'false',
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

describe('GitHub Action', () => {
  it('action.yml passes every input the script reads, and references only declared inputs', () => {
    const yml = readFileSync(path.join(root, 'action.yml'), 'utf8');
    const sh = readFileSync(script, 'utf8');
    expect(yml).toMatch(/^ {2}using: composite$/m);
    expect(yml).toContain('run: \'"$ACTION_PATH/scripts/github-action.sh"\'');
    const declared = new Set([...yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]));
    const referenced = new Set([...yml.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]));
    expect([...referenced].filter((r) => !declared.has(r))).toEqual([]);
    const passed = new Set([...yml.matchAll(/^ {8}(INPUT_[A-Z_]+):/gm)].map((m) => m[1]));
    const read = new Set([...sh.matchAll(/\$\{?(INPUT_[A-Z_]+)/g)].map((m) => m[1]).filter((v) => v !== 'INPUT_COMMAND'));
    expect([...read].filter((v) => !passed.has(v))).toEqual([]);
    expect(yml).toContain('uses: github/codeql-action/upload-sarif@v3');
  });

  it('on a pull request in a shallow checkout: annotates only the changed migrations and writes SARIF', () => {
    const ws = checkout();
    const r = runAction(ws, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature/index-created-at', INPUT_SARIF: 'true' });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toEqual([expect.stringMatching(/^::error file=db\/migrations\/20240403120000_index_orders_created\.sql,line=2,col=1,endLine=2,endColumn=\d+,title=migralint\(require-concurrent-index-creation\)::CREATE INDEX on orders holds a SHARE lock/)]);
    expect(r.stdout).toContain('db/migrations/20240403120000_index_orders_created.sql'); // the stylish report for the log
    expect(r.stderr).toContain('migralint: 2 of 4 migration files changed since origin/main');
    expect(r.outputs['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8'));
    const uris = sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(new Set(uris)).toEqual(new Set(['db/migrations/20240403120000_index_orders_created.sql']));
  });

  it('on a push: compares with the previous commit from the event', () => {
    const ws = checkout();
    const r = runAction(ws, { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'feature/index-created-at', EVENT: JSON.stringify({ before }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`migralint: 1 of 4 migration files changed since ${before}`);
    expect(r.stdout).toMatch(/^::error file=db\/migrations\/20240403120000_index_orders_created\.sql,/m);
    expect(r.outputs['sarif-file']).toBeUndefined();
  });

  it('changed-only false lints every migration', () => {
    const ws = checkout();
    const r = runAction(ws, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', INPUT_CHANGED_ONLY: 'false' });
    expect(r.code).toBe(1);
    const files = new Set([...r.stdout.matchAll(/^::\w+ file=([^,]+),/gm)].map((m) => m[1]));
    expect(files).toEqual(new Set(['db/migrations/20240212110000_index_orders_customer.sql', 'db/migrations/20240403120000_index_orders_created.sql']));
  });

  it('a base branch that does not exist: exit 2 naming it', () => {
    const ws = checkout();
    const r = runAction(ws, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'release/9.9' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("migralint: unknown git ref 'origin/release/9.9' for --changed-since.");
    expect(r.outputs['exit-code']).toBe('2');
  });
});

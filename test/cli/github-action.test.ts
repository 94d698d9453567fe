/**
 * The GitHub Action: action.yml runs scripts/github-action.sh. Here the script runs locally with the environment
 * GitHub sets for a pull request / push, in a shallow clone made the way actions/checkout makes one.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForgeApi, type ForgeApi } from '../helpers/forge-api.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts', 'github-action.sh');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};
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

function actionEnv(ws: string, env: Record<string, string>) {
  const temp = mkdtempSync(path.join(work, 'runner-temp-'));
  const output = path.join(temp, 'github_output');
  writeFileSync(output, '');
  const event = path.join(temp, 'event.json');
  writeFileSync(event, JSON.stringify(env.EVENT ? JSON.parse(env.EVENT) : {}));
  const summary = path.join(temp, 'step_summary.md');
  writeFileSync(summary, '');
  return {
    output,
    summary,
    env: {
      ...gitEnv,
      NO_COLOR: '1',
      MIGRALINT_DATABASE_URL: '',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: output,
      GITHUB_EVENT_PATH: event,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: temp,
      ACTION_PATH: root,
      INPUT_COMMAND: `${process.execPath} ${path.join(root, 'bin', 'migralint.js')}`,
      INPUT_PATHS: '',
      INPUT_CHANGED_ONLY: 'true',
      INPUT_SARIF: 'false',
      ...env,
    } as Record<string, string>,
  };
}

/** Runs the action's script without blocking this process, so a local API server in it can answer. */
function runActionAsync(
  ws: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; summary: string; outputs: Record<string, string> }> {
  const e = actionEnv(ws, env);
  return new Promise((resolve) => {
    const child = spawn('bash', [script], { cwd: ws, env: e.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const outputs = Object.fromEntries(
        readFileSync(e.output, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ code, stdout, stderr, summary: readFileSync(e.summary, 'utf8'), outputs });
    });
  });
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
    expect(annotations).toEqual([
      expect.stringMatching(
        /^::error file=db\/migrations\/20240403120000_index_orders_created\.sql,line=2,col=1,endLine=2,endColumn=\d+,title=migralint\(require-concurrent-index-creation\)::CREATE INDEX on orders holds a SHARE lock/,
      ),
    ]);
    expect(r.stdout).toContain('db/migrations/20240403120000_index_orders_created.sql'); // the stylish report for the log
    expect(r.stderr).toContain('migralint: 2 of 4 migration files changed since origin/main');
    expect(r.outputs['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8'));
    const uris = sarif.runs[0].results.map(
      (x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri,
    );
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

describe('GitHub Action: the review comment', () => {
  const MARKER = '<!-- migralint-comment -->';
  const TOKEN = 'ghs_test0123456789';
  const PR = JSON.stringify({ pull_request: { number: 12, head: { ref: 'feature/index-created-at' }, base: { ref: 'main' } } });
  let api: ForgeApi;
  beforeAll(async () => {
    api = await startForgeApi({ kind: 'github', token: TOKEN, prefix: '/api/v3' });
  });
  afterAll(async () => {
    await api?.close();
  });
  const prEnv = (extra: Record<string, string> = {}) => ({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_BASE_REF: 'main',
    GITHUB_HEAD_REF: 'feature/index-created-at',
    GITHUB_REPOSITORY: 'shop/app',
    GITHUB_API_URL: api.url,
    GITHUB_TOKEN: TOKEN,
    EVENT: PR,
    INPUT_COMMENT: 'true',
    ...extra,
  });
  const ours = () => (api.threads.get('shop/app#12') ?? []).filter((c) => c.body.includes(MARKER));

  it('posts one comment, then edits that same comment on the next run', async () => {
    api.threads.set('shop/app#12', [{ id: 1, body: 'Looks good to me', user: 'octocat' }]);
    api.requests.length = 0;
    const ws = checkout();
    // This run has no INPUT_COMMAND: it runs the action's own checkout (bin/migralint.js), as action.yml does.
    const first = await runActionAsync(ws, prEnv({ INPUT_COMMAND: '' }));
    expect(first.code).toBe(1); // the lint's exit code, not the comment's
    expect(first.stderr).toContain('migralint-comment: pull request #12: posted comment');
    expect(ours()).toHaveLength(1);
    const posted = ours()[0]!;
    // No table sizes are given here: the index may block writes on a table of unknown size.
    expect(posted.body.split('\n').slice(0, 2)).toEqual([MARKER, '### ❌ migralint: 1 migration may block a table of unknown size.']);
    expect(posted.body).toContain('#### ❌ `db/migrations/20240403120000_index_orders_created.sql`');
    expect(posted.body).toContain(
      '[require-concurrent-index-creation](https://github.com/migralint/migralint/blob/main/docs/rules/require-concurrent-index-creation.md)',
    );
    expect(posted.body).toContain('#### ✅ `db/migrations/20240402120000_add_note.sql`'); // changed too, and clean
    expect(posted.body).not.toContain('20240212110000_index_orders_customer'); // on main before the branch: not linted
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v3/repos/shop/app/issues/12/comments',
      'POST /api/v3/repos/shop/app/issues/12/comments',
    ]);
    expect(api.requests[0]!.query).toEqual({ per_page: '100', page: '1' });
    expect(api.requests[1]!.headers['x-github-api-version']).toBe('2022-11-28');

    api.requests.length = 0;
    const second = await runActionAsync(checkout(), prEnv());
    expect(second.code).toBe(1);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v3/repos/shop/app/issues/12/comments',
      `PATCH /api/v3/repos/shop/app/issues/comments/${posted.id}`,
    ]);
    expect(ours()).toHaveLength(1);
    expect(api.threads.get('shop/app#12')).toHaveLength(2); // the reviewer's comment is untouched
    expect(api.violations).toEqual([]);
  }, 120_000);

  it('a clean run edits the comment to say so, or removes it with comment-when-clean: delete', async () => {
    api.threads.set('shop/app#12', [{ id: 77, body: `${MARKER}\nold report`, user: 'github-actions[bot]' }]);
    const clean = { INPUT_CHANGED_ONLY: 'false', INPUT_PATHS: 'db/migrations/20240402120000_add_note.sql' };
    const r = await runActionAsync(checkout(), prEnv(clean));
    expect(r.code).toBe(0);
    expect(ours()).toEqual([
      { id: 77, user: 'github-actions[bot]', body: expect.stringMatching(/^<!-- migralint-comment -->\n### ✅ migralint: no problems found in 1 migration\./) },
    ]);
    const removed = await runActionAsync(checkout(), prEnv({ ...clean, INPUT_COMMENT_WHEN_CLEAN: 'delete' }));
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain('clean: removed comment 77');
    expect(ours()).toEqual([]);
    // Clean with no comment there: nothing is posted.
    api.requests.length = 0;
    await runActionAsync(checkout(), prEnv(clean));
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
    expect(api.violations).toEqual([]);
  }, 120_000);

  it("trace: true posts the trace's review: the whole history run on embedded PostgreSQL, the changed migrations shown with the locks granted and held", async () => {
    api.threads.set('shop/app#12', []);
    api.requests.length = 0;
    const r = await runActionAsync(checkout(), prEnv({ INPUT_TRACE: 'true' }));
    expect(r.code).toBe(1); // the lint's exit code
    expect(r.outputs['trace-exit-code']).toBe('0'); // every migration of the branch applies
    expect(ours()).toHaveLength(1);
    const body = ours()[0]!.body;
    expect(body.split('\n').slice(0, 2)).toEqual([MARKER, '### ❌ migralint: 1 migration may block a table of unknown size.']);
    // The history up to the branch's head ran: orders, its index, and the branch's two migrations.
    expect(body).toMatch(/^\*\*Traced on embedded PostgreSQL \d+:\*\* 6 statements ran · every lock as migralint claims\.$/m);
    // psql runs each statement on its own: the SHARE lock of the index build is held for the statement.
    const row = body.split('\n').find((l) => l.startsWith('| **2** ❌ | <code>CREATE INDEX</code>'));
    expect(row).toMatch(/\| ✓ ([\d.]+)ms \| 🟧 SHARE<br><sub>✓ held \1ms to the statement's end<\/sub> \|$/);
    expect(body).toContain('#### ✅ `db/migrations/20240402120000_add_note.sql`');
    expect(body).not.toContain('#### ✅ `db/migrations/20240212110000_index_orders_customer.sql`'); // traced, not changed: not reviewed
    expect(body).toContain('reproduce locally: `npx migralint trace ');
    expect(api.violations).toEqual([]);
  }, 180_000);

  it('a pull request from a fork (read-only token, 403) gets the job summary instead, and the job does not fail on it', async () => {
    api.threads.set('shop/app#12', []);
    api.readOnly = true;
    try {
      const r = await runActionAsync(checkout(), prEnv());
      expect(r.code).toBe(1); // findings, as without comment
      expect(r.outputs['exit-code']).toBe('1');
      expect(r.summary).toContain('#### ❌ `db/migrations/20240403120000_index_orders_created.sql`');
      expect(r.stdout).toMatch(/^::warning title=migralint comment::no permission to comment on pull request #12 .*job summary instead\.$/m);
      expect(ours()).toEqual([]);
    } finally {
      api.readOnly = false;
    }
    expect(api.violations).toEqual([]);
  }, 120_000);
});

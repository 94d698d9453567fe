/**
 * The merge-request comment on GitLab: bin/migralint-comment.js with the environment a GitLab merge-request
 * pipeline sets, against a local server that checks the notes API requests as GitLab documents them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULE_META } from '../../rules/index.js';
import { lintText } from '../../src/engine/lint-text.js';
import { format as markdown } from '../../src/report/markdown.js';
import { startForgeApi, type ForgeApi } from '../helpers/forge-api.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const poster = path.join(root, 'bin', 'migralint-comment.js');
const MARKER = '<!-- migralint-comment -->';
const TOKEN = 'glpat-test-0123456789';
let api: ForgeApi;
let dir: string;

function post(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [poster, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function report(sql: string): Promise<string> {
  const file = path.join(dir, `report-${Math.random().toString(36).slice(2)}.md`);
  const result = await lintText(sql, {
    filename: '/builds/shop/app/db/migrations/20240403120000_index_orders_created.sql',
    tables: { orders: { rows: 2_000_000 } },
  });
  writeFileSync(file, markdown([result], { cwd: '/builds/shop/app', rules: ALL_RULE_META, version: '0.1.0' }));
  return file;
}

beforeAll(async () => {
  api = await startForgeApi({ kind: 'gitlab', token: TOKEN });
  dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-gitlab-'));
});
afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const mrEnv = () => ({ CI_API_V4_URL: api.url, CI_PROJECT_ID: '4321', CI_MERGE_REQUEST_IID: '7', MIGRALINT_GITLAB_TOKEN: TOKEN });

describe('GitLab merge-request comment', () => {
  it('creates one note, updates it in place next time, and removes it when clean with --when-clean delete', async () => {
    api.threads.set('4321!7', [{ id: 1, body: 'LGTM', user: 'alice' }]);
    const bad = await report('CREATE INDEX idx_orders_created ON orders (created_at);\n');
    const first = await post(['gitlab', '--report', bad], mrEnv());
    expect(first.code).toBe(0);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v4/projects/4321/merge_requests/7/notes',
      'POST /api/v4/projects/4321/merge_requests/7/notes',
    ]);
    expect(api.requests[0]!.query).toMatchObject({ per_page: '100', page: '1' });
    expect(api.requests[1]!.headers['private-token']).toBe(TOKEN);
    const notes = () => api.threads.get('4321!7')!.filter((n) => n.body.includes(MARKER));
    expect(notes()).toHaveLength(1);
    expect(notes()[0]!.body).toBe(`${MARKER}\n${readFileSync(bad, 'utf8')}`);
    expect(notes()[0]!.body).toContain('### ❌ migralint: 1 migration will block writes on large tables.');

    api.requests.length = 0;
    const again = await post(['gitlab', '--report', bad], mrEnv());
    expect(again.code).toBe(0);
    const id = notes()[0]!.id;
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v4/projects/4321/merge_requests/7/notes',
      `PUT /api/v4/projects/4321/merge_requests/7/notes/${id}`,
    ]);
    expect(notes()).toHaveLength(1);

    const clean = await report("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY idx_orders_created ON orders (created_at);\n");
    await post(['gitlab', '--report', clean, '--when-clean', 'update'], mrEnv());
    expect(notes()[0]!.body).toContain('### ✅ migralint: no problems found in 1 migration.');
    await post(['gitlab', '--report', clean, '--when-clean', 'delete'], mrEnv());
    expect(notes()).toEqual([]);
    expect(api.threads.get('4321!7')!.map((n) => n.body)).toEqual(['LGTM']);
    expect(api.violations).toEqual([]);
  });

  it('finds its note on a later page of a long discussion', async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ id: 100 + i, body: `comment ${i}`, user: 'bob' }));
    many[120] = { id: 220, body: `${MARKER}\nold`, user: 'project_42_bot' };
    api.threads.set('4321!8', many);
    api.requests.length = 0;
    const r = await post(['gitlab', '--report', await report('CREATE INDEX idx_orders_created ON orders (created_at);\n')], {
      ...mrEnv(),
      CI_MERGE_REQUEST_IID: '8',
    });
    expect(r.code).toBe(0);
    expect(api.requests.map((q) => `${q.method} ${q.query.page ?? ''}`)).toEqual(['GET 1', 'GET 2', 'PUT ']);
    expect(api.requests[2]!.path).toBe('/api/v4/projects/4321/merge_requests/8/notes/220');
    expect(api.violations).toEqual([]);
  });

  it('without a token, or outside a merge request, it says so and succeeds', async () => {
    const file = await report('CREATE INDEX idx_orders_created ON orders (created_at);\n');
    api.requests.length = 0;
    const noToken = await post(['gitlab', '--report', file], { ...mrEnv(), MIGRALINT_GITLAB_TOKEN: '' });
    expect(noToken.code).toBe(0);
    expect(noToken.stderr).toContain('no MIGRALINT_GITLAB_TOKEN to comment with');
    const noMr = await post(['gitlab', '--report', file], { ...mrEnv(), CI_MERGE_REQUEST_IID: '' });
    expect(noMr.stderr).toContain('not a merge request pipeline');
    const badToken = await post(['gitlab', '--report', file], { ...mrEnv(), MIGRALINT_GITLAB_TOKEN: 'wrong' });
    expect(badToken.code).toBe(0);
    expect(badToken.stderr).toMatch(/commenting on merge request !7 failed: GET .*notes: HTTP 401/);
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
    expect((await post(['gitlab'], mrEnv())).code).toBe(2);
  });

  it("the CI template runs the linter, the Code Quality report and the comment with GitLab's variables", () => {
    const yml = readFileSync(path.join(root, 'templates/gitlab/migralint.gitlab-ci.yml'), 'utf8');
    expect(yml).toContain('$CI_PIPELINE_SOURCE == "merge_request_event"');
    expect(yml).toContain('--changed-since "$base"');
    expect(yml).toContain('--format markdown -o migralint-report.md');
    expect(yml).toContain('npx --no-install migralint-comment gitlab --report migralint-report.md --when-clean "$MIGRALINT_COMMENT_WHEN_CLEAN"');
    expect(yml).toContain('codequality: gl-code-quality.json');
    expect(yml).toMatch(/MIGRALINT_VERSION: "\d+\.\d+\.\d+"/);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(yml).toContain(`MIGRALINT_VERSION: "${pkg.version}"`);
    expect(pkg.bin['migralint-comment']).toBe('bin/migralint-comment.js');
  });
});

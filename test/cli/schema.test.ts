/**
 * `migralint schema`: the catalog each project's history builds, printed or as JSON, as of its last migration or
 * of `--at <file>`. The projects are found as a lint finds them (src/cli/projects.ts, shared with `migralint trace`):
 * a folder a config maps to a framework counts, and `--framework` names the tool of every file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const HARBOR = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'golang-migrate-index-again');
const VERSIONS = 'make/migrations/postgresql';

async function schema(cwd: string, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['schema', ...args],
    { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: async () => Buffer.alloc(0), env: { NO_COLOR: '1' } },
    cwd,
  );
  return { code, stdout, stderr };
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('migralint schema', () => {
  it("prints the catalog Harbor's golang-migrate history builds, with the indexes later migrations add", async () => {
    const r = await schema(HARBOR, ['.']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`-- golang-migrate project ${VERSIONS}: 3 migrations, catalog as of ${VERSIONS}/0060_2.3.0_schema.up.sql`);
    expect(r.stdout).toContain(`table public.artifact (created by ${VERSIONS}/0010_1.9.0_schema.up.sql)`);
    // Added by 0053 (and again, IF NOT EXISTS, by 0060): once in the catalog.
    expect(r.stdout.match(/index public\.idx_artifact_push_time \(push_time\)/g)).toHaveLength(1);
  });

  it('stops at --at: the catalog as the first migration left it, before the later indexes', async () => {
    const r = await schema(HARBOR, ['.', '--at', `${VERSIONS}/0010_1.9.0_schema.up.sql`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`catalog as of ${VERSIONS}/0010_1.9.0_schema.up.sql`);
    expect(r.stdout).toContain('table public.artifact');
    expect(r.stdout).not.toContain('idx_artifact_push_time');
  });

  it('prints JSON with --json, and refuses an --at that is not a migration of the projects found', async () => {
    const r = await schema(HARBOR, ['.', '--json']);
    const projects = JSON.parse(r.stdout) as Array<{
      root: string;
      framework: string;
      migrations: number;
      schema: { tables: Record<string, { columns: Array<{ name: string }> }> };
    }>;
    expect(projects.map((p) => [p.root, p.framework, p.migrations])).toEqual([[VERSIONS, 'golang-migrate', 3]]);
    expect(projects[0]!.schema.tables['public.tag']!.columns.map((c) => c.name)).toEqual(['id', 'repository_id', 'artifact_id', 'name', 'push_time']);
    const bad = await schema(HARBOR, ['.', '--at', 'db/0001_missing.sql']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--at: db/0001_missing.sql is not a migration of the projects found');
  });

  it("reads a folder the config maps to a framework, with that framework's name", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'migralint-schema-'));
    temps.push(root);
    mkdirSync(path.join(root, 'sql', 'changes'), { recursive: true });
    writeFileSync(path.join(root, 'sql', 'changes', '001_accounts.sql'), 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n');
    writeFileSync(path.join(root, 'sql', 'changes', '002_accounts_name.sql'), 'ALTER TABLE accounts ADD COLUMN display_name text;\n');
    writeFileSync(path.join(root, '.migralintrc.json'), JSON.stringify({ frameworks: { 'sql/changes/*.sql': 'dbmate' } }));
    const r = await schema(root, ['.']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-- dbmate project sql/changes: 2 migrations, catalog as of sql/changes/002_accounts_name.sql');
    expect(r.stdout).toMatch(/display_name +text\n/);
  });
});

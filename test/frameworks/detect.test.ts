import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/engine/lint-text.js';
import { diskFileSystem, rawDisk } from '../../src/disk.js';
import { memoryFileSystem, type FileSystem } from '../../src/fs.js';
import { DETECT_RULES } from '../../src/frameworks/index.js';
import type { DetectRule } from '../../src/frameworks/types.js';
import {
  DEFAULT_FOLDERS,
  MIGRATION_GLOBS,
  MIGRATION_GLOBS_BY_FRAMEWORK,
  detectFramework,
  knownFrameworks,
  recognise,
  unrecognised,
} from '../../src/sources/index.js';
import { fx, read } from './helpers.js';

const CASES: Array<[string, string]> = [
  ['drizzle/web/drizzle/0000_init.sql', 'drizzle'],
  ['drizzle/web/drizzle/0002_add_order_status.sql', 'drizzle'],
  ['drizzle/broken-journal/drizzle/0000_add_index.sql', 'drizzle'],
  ['drizzle/api-v1/drizzle/20250611093015_add_orders_customer_idx/migration.sql', 'drizzle'],
  ['prisma/prisma/migrations/20240315093000_add_orders_customer_index/migration.sql', 'prisma'],
  ['flyway/src/main/resources/db/migration/V2__orders_created_at_index.sql', 'flyway'],
  ['flyway/src/main/resources/db/migration/U3__orders_status_index.sql', 'flyway'],
  ['golang-migrate/db/migrations/000002_users_email_index.up.sql', 'golang-migrate'],
  ['golang-migrate/db/migrations/000001_create_users_table.down.sql', 'golang-migrate'],
  ['goose/db/migrations/20240105101010_create_accounts.sql', 'goose'],
  ['dbmate/db/migrations/20240120090000_products_name_index.sql', 'dbmate'],
  ['sqitch/deploy/users_nickname_idx.sql', 'sqitch'],
  ['sqitch/revert/users_nickname_idx.sql', 'sqitch'],
  ['graphile-migrate/migrations/committed/000001.sql', 'graphile-migrate'],
  ['graphile-migrate/migrations/current.sql', 'graphile-migrate'],
  ['supabase/supabase/migrations/20240415120000_profiles_username_index.sql', 'supabase'],
  ['diesel/migrations/2024-02-12-090000_posts_title_index/up.sql', 'diesel'],
  ['diesel/migrations/00000000000000_diesel_initial_setup/up.sql', 'diesel'],
  ['sqlx/migrations/20240310090000_todos_description_index.sql', 'sqlx'],
  ['sqlx/migrations/20240312090000_todos_trgm.up.sql', 'sqlx'],
  ['atlas/migrations/20240510100000_users_email_index.sql', 'atlas'],
];

describe('framework detection', () => {
  it.each(CASES)('%s → %s', (rel, framework) => {
    expect(detectFramework(fx(rel), read(rel), diskFileSystem())).toBe(framework);
  });

  it('falls back to plain psql', () => {
    expect(detectFramework('/srv/app/sql/2024_add_index.sql', 'CREATE INDEX CONCURRENTLY i ON t (c);\n')).toBe('psql');
    expect(detectFramework('/srv/app/notes.txt', '-- +goose Up\n')).toBe('psql');
  });

  it('reads content markers without sibling files', () => {
    expect(detectFramework('/tmp/x/001_a.sql', '-- +goose Up\nSELECT 1;\n')).toBe('goose');
    expect(detectFramework('/tmp/x/001_a.sql', '-- a comment\n-- migrate:up\nSELECT 1;\n-- migrate:down\n')).toBe('dbmate');
    // a statement before -- migrate:up is not a dbmate file (dbmate rejects it)
    expect(detectFramework('/tmp/x/001_a.sql', 'SELECT 1;\n-- migrate:up\n')).toBe('psql');
    expect(detectFramework('/tmp/x/0001_a.sql', 'SELECT 1;--> statement-breakpoint\nSELECT 2;\n')).toBe('drizzle');
    expect(detectFramework('/tmp/x/1_a.sql', '--! Previous: -\n--! Hash: sha1:00\n\nSELECT 1;\n')).toBe('graphile-migrate');
  });

  it('the JSON result carries the framework', async () => {
    const rel = 'goose/db/migrations/20240212083000_accounts_email_index.sql';
    const r = await lintText(read(rel), { filename: fx(rel) });
    expect(r.framework).toBe('goose');
  });

  it('--framework overrides detection', async () => {
    const r = await lintText("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON t (c);\n", { filename: 'migration.sql', framework: 'golang-migrate' });
    expect(r.framework).toBe('golang-migrate');
    expect(r.findings.map((f) => f.ruleId)).toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('every SQL-file framework is a known --framework / frameworks name', () => {
    for (const id of [
      'drizzle',
      'prisma',
      'flyway',
      'golang-migrate',
      'goose',
      'dbmate',
      'sqitch',
      'graphile-migrate',
      'supabase',
      'diesel',
      'sqlx',
      'atlas',
      'psql',
    ]) {
      expect(knownFrameworks()).toContain(id);
    }
  });

  it('exports walking globs and default folders', () => {
    expect(MIGRATION_GLOBS_BY_FRAMEWORK.map((g) => g.framework)).toEqual(
      expect.arrayContaining([
        'drizzle',
        'prisma',
        'flyway',
        'golang-migrate',
        'goose',
        'dbmate',
        'sqitch',
        'graphile-migrate',
        'supabase',
        'diesel',
        'sqlx',
        'atlas',
      ]),
    );
    expect(MIGRATION_GLOBS).toContain('**/*.sql');
    expect(new Set(MIGRATION_GLOBS).size).toBe(MIGRATION_GLOBS.length);
    expect(DEFAULT_FOLDERS).toEqual(
      expect.arrayContaining(['drizzle', 'prisma/migrations', 'migrations', 'db/migrations', 'supabase/migrations', 'deploy', 'alembic/versions']),
    );
  });
});

describe('recognise: unrecognised() and detectFramework() in one pass', () => {
  /** The disk, counting the questions asked of it (uncached, so every rule that looks beside a file shows). */
  const counting = () => {
    const asked: string[] = [];
    const fs: FileSystem = {
      readFile: (p) => (asked.push(p), rawDisk.readFile(p)),
      exists: (p) => (asked.push(p), rawDisk.exists(p)),
      listDir: (p) => (asked.push(p), rawDisk.listDir(p)),
    };
    return { fs, asked };
  };
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    });

  it('gives what the two give, on every file of the framework fixtures, consulting the same files', () => {
    const all = files(fx('.')).filter((f) => /\.(sql|py|rb|cs|exs|php|xml|ya?ml|json|[cm]?[jt]sx?)$/i.test(f));
    expect(all.length).toBeGreaterThan(150);
    let unrecognisedSeen = 0;
    for (const f of all) {
      const text = rawDisk.readFile(f) ?? '';
      const apart = counting();
      const why = unrecognised(f, text, apart.fs);
      const expected = why ? { unrecognised: why } : { framework: detectFramework(f, text, apart.fs) };
      if (why) unrecognisedSeen++;
      const together = counting();
      expect(recognise(f, text, together.fs), f).toEqual(expected);
      expect(new Set(together.asked), f).toEqual(new Set(apart.asked));
    }
    expect(unrecognisedSeen).toBeGreaterThan(0);
  });

  it("tries the detection rules once for a migration of the file's own language", () => {
    // Each rule's test, counted while this test runs.
    let tried = 0;
    const originals = DETECT_RULES.map((rule) => rule.test);
    DETECT_RULES.forEach((rule, i) => ((rule as { test: DetectRule['test'] }).test = (input) => (tried++, originals[i]!(input))));
    try {
      for (const rel of ['django-store/orders/migrations/0006_order_reference_not_null.py', 'rails/db/migrate/20240315120000_add_index_to_orders_status.rb']) {
        const file = fx(rel);
        // A text no earlier test recognised: recognise() remembers each file's last answer (see below).
        const text = `${rawDisk.readFile(file)!}\n`;
        tried = 0;
        expect(unrecognised(file, text)).toBeNull();
        const framework = detectFramework(file, text);
        const apart = tried;
        tried = 0;
        expect(recognise(file, text)).toEqual({ framework });
        // The rules before the one that matches, once each.
        expect(tried).toBeGreaterThan(0);
        expect(tried).toBeLessThan(apart);
      }
    } finally {
      DETECT_RULES.forEach((rule, i) => ((rule as { test: DetectRule['test'] }).test = originals[i]!));
    }
  });

  it('answers a file asked again from what it asked before, when the text and the files beside it are the same', () => {
    let tried = 0;
    const originals = DETECT_RULES.map((rule) => rule.test);
    DETECT_RULES.forEach((rule, i) => ((rule as { test: DetectRule['test'] }).test = (input) => (tried++, originals[i]!(input))));
    try {
      const file = '/srv/shop/drizzle/0003_orders_customer_idx.sql';
      const text = 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n';
      const journal = JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] });
      const asked = (files: Record<string, string>) => {
        const inner = memoryFileSystem(files);
        const questions: string[] = [];
        const fs: FileSystem = {
          readFile: (p) => (questions.push(`read ${p}`), inner.readFile(p)),
          exists: (p) => (questions.push(`exists ${p}`), inner.exists(p)),
          listDir: (p) => (questions.push(`list ${p}`), inner.listDir(p)),
        };
        return { fs, questions };
      };
      const bare = { [file]: text };
      const first = asked(bare);
      expect(recognise(file, text, first.fs)).toEqual({ framework: 'psql' });
      expect(tried).toBeGreaterThan(0);
      // The same file, text and answers: the rules are not tried again, and the same questions are asked.
      tried = 0;
      const again = asked(bare);
      expect(recognise(file, text, again.fs)).toEqual({ framework: 'psql' });
      expect(tried).toBe(0);
      expect(again.questions).toEqual(first.questions);
      // Drizzle's journal beside it now: detection runs again.
      const withJournal = asked({ ...bare, '/srv/shop/drizzle/meta/_journal.json': journal });
      expect(recognise(file, text, withJournal.fs)).toEqual({ framework: 'drizzle' });
      expect(tried).toBeGreaterThan(0);
      // Other text: so does it.
      tried = 0;
      expect(recognise(file, `-- a note\n${text}`, asked(bare).fs)).toEqual({ framework: 'psql' });
      expect(tried).toBeGreaterThan(0);
    } finally {
      DETECT_RULES.forEach((rule, i) => ((rule as { test: DetectRule['test'] }).test = originals[i]!));
    }
  });
});

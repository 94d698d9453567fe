import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigResolver } from '../src/config/load.js';
import { lintOptionsFromConfig } from '../src/config/options.js';
import { loadParser } from '../src/sql/parse.js';
import { lintSource } from '../src/engine/lint.js';
import { ROOT } from './helpers/fixtures.js';

// The CLI's path (config found with lilconfig, oxc-parser) on each tool's fixture project: which rule, on which line.
const EXPECTED: Record<string, { framework: string; findings: string[] }> = {
  'knex/migrations/20240312093015_add_orders_customer_index.js': {
    framework: 'knex',
    findings: ['require-concurrent-index-creation@7', 'require-lock-timeout@7', 'adding-foreign-key-constraint@8', 'require-concurrent-index-creation@11'],
  },
  'knex/migrations/20240402110512_create_invoices.ts': { framework: 'knex', findings: [] },
  'knex/migrations/20240415081244_add_payments_created_at_index.ts': { framework: 'knex', findings: ['concurrent-index-invalid-leftover@6'] },
  'typeorm/src/migrations/1712345678901-AddUserEmailIndex.ts': { framework: 'typeorm', findings: ['hold-access-exclusive-lock@7', 'require-lock-timeout@7', 'require-concurrent-index-creation@8'] },
  'typeorm/src/migrations/1712400000000-AddPostAuthorForeignKey.ts': {
    framework: 'typeorm',
    findings: ['adding-foreign-key-constraint@5', 'require-lock-timeout@5', 'ban-concurrent-index-creation-in-transaction@12'],
  },
  'node-pg-migrate/migrations/1712345678901_add-orders-status-index.js': {
    framework: 'node-pg-migrate',
    findings: ['require-concurrent-index-creation@6', 'require-lock-timeout@6', 'adding-foreign-key-constraint@7', 'ban-unbatched-backfill@10'],
  },
  'node-pg-migrate/migrations/1712500000000_events-created-at-index.js': { framework: 'node-pg-migrate', findings: [] },
  'sequelize/migrations/20240312093015-add-users-email-index.js': {
    framework: 'sequelize',
    findings: ['require-concurrent-index-creation@6', 'require-lock-timeout@6', 'require-concurrent-index-creation@10'],
  },
  'sequelize/migrations/20240402110512-add-orders-user-fk.js': { framework: 'sequelize', findings: ['adding-foreign-key-constraint@6', 'require-lock-timeout@6'] },
  'kysely/src/migrations/2024_03_12_add_pet_owner_index.ts': {
    framework: 'kysely',
    findings: ['require-concurrent-index-creation@4', 'require-lock-timeout@4', 'adding-foreign-key-constraint@6'],
  },
  'db-migrate/migrations/20240312093015-add-orders-index.js': {
    framework: 'db-migrate',
    findings: ['require-concurrent-index-creation@18', 'require-lock-timeout@18', 'ban-concurrent-index-creation-in-transaction@18'],
  },
};

describe('JS/TS framework fixtures through the CLI path', () => {
  it.each(Object.entries(EXPECTED))('%s', async (rel, expected) => {
    await loadParser();
    const file = path.join(ROOT, 'fixtures/frameworks', rel);
    const loaded = await new ConfigResolver().forFile(file);
    const result = lintSource({ path: file, text: readFileSync(file, 'utf8'), bom: false }, lintOptionsFromConfig(loaded.config, loaded.dir, file));
    expect(result.framework).toBe(expected.framework);
    expect(result.findings.map((f) => `${f.ruleId}@${f.loc.line}`)).toEqual(expected.findings);
  });

  it('config table sizes reach the rules: the Knex orders table is large, so the blocking build is an error with its size', async () => {
    await loadParser();
    const file = path.join(ROOT, 'fixtures/frameworks/knex/migrations/20240312093015_add_orders_customer_index.js');
    const loaded = await new ConfigResolver().forFile(file);
    const result = lintSource({ path: file, text: readFileSync(file, 'utf8'), bom: false }, lintOptionsFromConfig(loaded.config, loaded.dir, file));
    const f = result.findings.find((x) => x.ruleId === 'require-concurrent-index-creation')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('orders (18.4M rows');
  });
});

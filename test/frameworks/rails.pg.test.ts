// The Rails fixture's fixes proved on a real PostgreSQL, suggestions included: the safe fixes and the suggestions
// of the locking rules are applied (as `--fix --fix-type suggestion` would, the new validate migration written
// beside the one it fixes), then the original and the fixed history run on fresh databases in ActiveRecord's
// transaction structure and compare: what applied still applies, the final catalogs are identical (the foreign key
// added with validate: false is valid after the new migration), and no file takes a stronger lock.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstError } from '../../src/sources/python/tree.js';
import { parseRuby } from '../../src/sources/ruby/tree.js';
import { compareHistories } from '../../src/trace/execute.js';
import { fixedCopy, historyPlans, proofServer } from '../helpers/framework-proof.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/frameworks/rails');
const RULES = [
  'require-concurrent-index-creation',
  'ban-concurrent-index-creation-in-transaction',
  'adding-foreign-key-constraint',
  'constraint-missing-not-valid',
  'require-lock-timeout',
];
// Known unpartitioned, as `tables` in a project's config says, so CONCURRENTLY is offered.
const TABLES = {
  orders: { rows: 2_000_000, partitioned: false },
  customers: { rows: 400_000, partitioned: false },
  shipments: { rows: 1_000_000, partitioned: false },
};

const { connect, admin } = proofServer();

describe('Rails fixture on PostgreSQL', () => {
  it('fixes and suggestions keep the history applying, the schema identical and the locks no stronger', async () => {
    const { copy, changed, written } = await fixedCopy(FIXTURE, ['db'], {
      rules: RULES,
      tables: TABLES,
      types: ['fix', 'suggestion'],
      reparse: (text) => firstError(parseRuby(text)),
    });
    // The proof is not vacuous: the index, the opt-out, the lock timeouts and the foreign key were rewritten.
    expect(changed).toEqual(
      expect.arrayContaining([
        '20240315120000_add_index_to_orders_status.rb',
        '20240318090000_add_index_to_customers_created_at.rb',
        '20240321110000_add_orders_foreign_key_to_shipments.rb',
      ]),
    );
    expect(written).toEqual(['20240321110001_validate_fk_rails_9892d6a938.rb']);

    const original = await historyPlans(FIXTURE, ['db']);
    const fixed = await historyPlans(copy, ['db']);
    expect(original.filter((p) => p.notRunnable)).toEqual([]);
    expect(fixed.filter((p) => p.notRunnable)).toEqual([]);
    const result = await compareHistories(connect, admin(), 'rails_fixture', original, fixed);
    // As written, the CONCURRENTLY add_index inside Rails' transaction fails at deploy; the fix repairs it.
    expect(result.original.filter((r) => r.status !== 'applied').map((r) => `${r.file}: ${r.error}`)).toEqual([
      'db/migrate/20240318090000_add_index_to_customers_created_at.rb: CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
    ]);
    expect(result.repaired).toEqual(['db/migrate/20240318090000_add_index_to_customers_created_at.rb']);
    expect(result.fixed.find((r) => r.file.endsWith('20240321110001_validate_fk_rails_9892d6a938.rb'))?.status).toBe('applied');
    expect({ broken: result.broken, schemaDiff: result.schemaDiff, strongerLocks: result.strongerLocks }).toEqual({
      broken: [],
      schemaDiff: [],
      strongerLocks: [],
    });
  }, 300_000);
});

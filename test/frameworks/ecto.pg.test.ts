// The Ecto fixture's fixes proved on a real PostgreSQL: the fixes of the locking rules are applied (with the
// tables known unpartitioned, so CONCURRENTLY is a safe fix), then the original and the fixed history run on fresh
// databases in Ecto's transaction structure (each migration in a transaction unless it sets
// @disable_ddl_transaction true) and compare: what applied still applies, the final catalogs are identical, and no file
// takes a stronger lock.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseElixir } from '../../src/sources/elixir/reader.js';
import { compareHistories } from '../../src/trace/execute.js';
import { fixedCopy, historyPlans, proofServer } from '../helpers/framework-proof.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/frameworks/ecto');
const RULES = ['require-concurrent-index-creation', 'ban-concurrent-index-creation-in-transaction', 'require-lock-timeout'];
const TABLES = {
  orders: { rows: 2_000_000, partitioned: false },
  accounts: { rows: 400_000, partitioned: false },
  shipments: { rows: 1_000_000, partitioned: false },
};

const { connect, admin } = proofServer();

describe('Ecto fixture on PostgreSQL', () => {
  it('fixes keep the history applying, the schema identical and the locks no stronger', async () => {
    const { copy, files, changed } = await fixedCopy(FIXTURE, ['priv'], {
      rules: RULES,
      tables: TABLES,
      reparse: (text) => {
        try {
          parseElixir(text);
          return null;
        } catch (error) {
          return error;
        }
      },
    });
    expect(files).toHaveLength(13);
    // Not vacuous: the blocking index and the concurrent one inside the transaction were rewritten.
    expect(changed).toEqual(expect.arrayContaining(['20240310120000_add_orders_status_index.exs', '20240405100000_add_shipments_carrier_index.exs']));
    expect(readFileSync(path.join(copy, 'priv/repo/migrations/20240310120000_add_orders_status_index.exs'), 'utf8')).toContain(
      'create index(:orders, [:status], concurrently: true)',
    );

    const original = await historyPlans(FIXTURE, ['priv']);
    const fixed = await historyPlans(copy, ['priv']);
    expect(original.map((p) => p.file)).toEqual(fixed.map((p) => p.file));
    expect(original).toHaveLength(13);
    expect(original.filter((p) => p.notRunnable)).toEqual([]);
    expect(fixed.filter((p) => p.notRunnable)).toEqual([]);
    const result = await compareHistories(connect, admin(), 'ecto_fixture', original, fixed);
    // As written, concurrently: true inside Ecto's transaction fails at deploy; the fix repairs it.
    expect(result.original.filter((r) => r.status !== 'applied').map((r) => `${r.file}: ${r.error}`)).toEqual([
      'priv/repo/migrations/20240405100000_add_shipments_carrier_index.exs: CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
    ]);
    expect(result.repaired).toEqual(['priv/repo/migrations/20240405100000_add_shipments_carrier_index.exs']);
    expect({ broken: result.broken, schemaDiff: result.schemaDiff, strongerLocks: result.strongerLocks }).toEqual({
      broken: [],
      schemaDiff: [],
      strongerLocks: [],
    });
  }, 300_000);
});

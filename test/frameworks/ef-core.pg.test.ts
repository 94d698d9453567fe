// The EF Core fixture's fixes proved on a real PostgreSQL: the fixes of the locking rules are applied (with the
// tables known unpartitioned, so CONCURRENTLY is a safe fix), then the original and the fixed history run on fresh
// databases in EF Core's transaction structure (each migration in a transaction; a suppressed command commits what
// ran before and runs alone) and compare: what applied still applies, the final catalogs are identical, and no file
// takes a stronger lock.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCSharp } from '../../src/sources/csharp/tree.js';
import { firstError } from '../../src/sources/python/tree.js';
import { compareHistories } from '../../src/trace/execute.js';
import { fixedCopy, historyPlans, proofServer } from '../helpers/framework-proof.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/frameworks/ef-core');
const RULES = ['require-concurrent-index-creation', 'ban-concurrent-index-creation-in-transaction', 'require-lock-timeout'];
const TABLES = {
  '"Orders"': { rows: 2_000_000, partitioned: false },
  '"Customers"': { rows: 400_000, partitioned: false },
  '"Shipments"': { rows: 1_000_000, partitioned: false },
};

const { connect, admin } = proofServer();

describe('EF Core fixture on PostgreSQL', () => {
  it('fixes keep the history applying, the schema identical and the locks no stronger', async () => {
    const { copy, files, changed } = await fixedCopy(FIXTURE, ['Migrations'], {
      rules: RULES,
      tables: TABLES,
      reparse: (text) => firstError(parseCSharp(text)),
    });
    // The designer file and the model snapshot are not migrations.
    expect(files.map((f) => path.basename(f)).filter((f) => /Designer|Snapshot/.test(f))).toEqual([]);
    // Not vacuous: the DSL index, the index in a Sql string and the CONCURRENTLY without suppressTransaction were rewritten.
    expect(changed).toEqual(
      expect.arrayContaining([
        '20240310120000_AddOrdersStatusIndex.cs',
        '20240322100000_AddShipmentsCarrierIndex.cs',
        '20240410090000_AddCustomersCreatedAtIndex.cs',
      ]),
    );
    expect(readFileSync(path.join(copy, 'Migrations/20240310120000_AddOrdersStatusIndex.cs'), 'utf8')).toContain(
      '.Annotation("Npgsql:CreatedConcurrently", true)',
    );

    const original = await historyPlans(FIXTURE, ['Migrations']);
    const fixed = await historyPlans(copy, ['Migrations']);
    expect(original.map((p) => p.file)).toEqual(fixed.map((p) => p.file));
    expect(original).toHaveLength(12);
    expect(original.filter((p) => p.notRunnable)).toEqual([]);
    expect(fixed.filter((p) => p.notRunnable)).toEqual([]);
    const result = await compareHistories(connect, admin(), 'efcore_fixture', original, fixed);
    // As written, CONCURRENTLY in a Sql call inside EF Core's transaction fails at deploy; the fix repairs it.
    expect(result.original.filter((r) => r.status !== 'applied').map((r) => `${r.file}: ${r.error}`)).toEqual([
      'Migrations/20240410090000_AddCustomersCreatedAtIndex.cs: CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
    ]);
    expect(result.repaired).toEqual(['Migrations/20240410090000_AddCustomersCreatedAtIndex.cs']);
    expect({ broken: result.broken, schemaDiff: result.schemaDiff, strongerLocks: result.strongerLocks }).toEqual({
      broken: [],
      schemaDiff: [],
      strongerLocks: [],
    });
  }, 300_000);
});

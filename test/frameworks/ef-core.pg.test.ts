// The EF Core fixture's fixes proved on a real PostgreSQL: the fixes of the locking rules are applied (with the
// tables known unpartitioned, so CONCURRENTLY is a safe fix), then the original and the fixed history run on fresh
// databases in EF Core's transaction structure (each migration in a transaction; a suppressed command commits what
// ran before and runs alone) and compare: what applied still applies, the final catalogs are identical, and no file
// takes a stronger lock.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/cli/discover.js';
import { fixText, loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { parseCSharp } from '../../src/sources/csharp/tree.js';
import { firstError } from '../../src/sources/python/tree.js';
import { compareHistories, orderHistory, planUnit, unitOf, type ExecutablePlan } from '../../src/trace/execute.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/frameworks/ef-core');
const RULES = ['require-concurrent-index-creation', 'ban-concurrent-index-creation-in-transaction', 'require-lock-timeout'];
const TABLES = {
  '"Orders"': { rows: 2_000_000, partitioned: false },
  '"Customers"': { rows: 400_000, partitioned: false },
  '"Shipments"': { rows: 1_000_000, partitioned: false },
};

async function plansOf(dir: string): Promise<ExecutablePlan[]> {
  const found = await discover(['Migrations'], dir);
  const files = found.files.map((f) => ({ path: f, text: readFileSync(path.resolve(dir, f), 'utf8') }));
  const ordered = orderHistory(files, 'ef-core');
  const plans = ordered.map((f) => planUnit(unitOf({ path: path.resolve(dir, f.path), text: f.text, bom: false }, DEFAULT_SETTINGS)));
  for (const p of plans) p.file = path.relative(dir, p.file);
  return plans;
}

let server: TestPostgres;
let admin: pg.Client;
const connect = async (database: string) => {
  const c = new pg.Client({ connectionString: server.url(database) });
  await c.connect();
  await c.query("SET client_min_messages = 'error'");
  return c;
};

beforeAll(async () => {
  await loadParsers();
  server = await startPostgres();
  admin = await connect('postgres');
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

describe('EF Core fixture on PostgreSQL', () => {
  it('fixes keep the history applying, the schema identical and the locks no stronger', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'migralint-efcore-proof-'));
    cpSync(FIXTURE, copy, { recursive: true });
    const found = await discover(['Migrations'], copy);
    // The designer file and the model snapshot are not migrations.
    expect(found.files.map((f) => path.basename(f)).filter((f) => /Designer|Snapshot/.test(f))).toEqual([]);
    const changed: string[] = [];
    for (const rel of found.files) {
      const file = path.join(copy, rel);
      const text = readFileSync(file, 'utf8');
      const out = await fixText(text, { filename: file, rules: RULES, tables: TABLES });
      expect(out.rejected, rel).toBeUndefined();
      if (out.text !== text) {
        expect(firstError(parseCSharp(out.text)), rel).toBeNull();
        writeFileSync(file, out.text);
        changed.push(path.basename(rel));
      }
    }
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

    const original = await plansOf(FIXTURE);
    const fixed = await plansOf(copy);
    expect(original.map((p) => p.file)).toEqual(fixed.map((p) => p.file));
    expect(original).toHaveLength(12);
    expect(original.filter((p) => p.notRunnable)).toEqual([]);
    expect(fixed.filter((p) => p.notRunnable)).toEqual([]);
    const result = await compareHistories(connect, admin, 'efcore_fixture', original, fixed);
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

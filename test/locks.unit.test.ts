/** The lock table without a server: the conflict matrix against PostgreSQL's documented table, and statementEffect. */
import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { PG_LOCK_MODES } from './helpers/pg-locks.js';
import { LOCK_CASES } from './lock-cases.js';
import { conflicts, LOCK_CONFLICTS, LOCK_STRENGTH, lockBlocks, lockLabel, statementEffect, type StatementEffect } from '../src/analysis/locks.js';
import type { LockMode } from '../src/types.js';

beforeAll(async () => {
  await loadModule();
});

function effect(sql: string, pgVersion = 18): StatementEffect {
  const stmts = parseSync(sql).stmts ?? [];
  expect(stmts).toHaveLength(1);
  return statementEffect(stmts[0]!.stmt as Record<string, any>, { pgVersion });
}

const ORDER: readonly LockMode[] = PG_LOCK_MODES;

/**
 * PostgreSQL 18 documentation, 13.3.1 "Table-Level Locks", Table 13.2 "Conflicting Lock Modes".
 * Rows: requested mode; columns: existing mode, in the order of ORDER. X = conflict.
 */
const DOCUMENTED = `
                 AS  RS  RE  SUE S   SRE E   AE
ACCESS SHARE     .   .   .   .   .   .   .   X
ROW SHARE        .   .   .   .   .   .   X   X
ROW EXCLUSIVE    .   .   .   .   X   X   X   X
SHARE UPDATE EXC .   .   .   X   X   X   X   X
SHARE            .   .   X   X   .   X   X   X
SHARE ROW EXCL   .   .   X   X   X   X   X   X
EXCLUSIVE        .   X   X   X   X   X   X   X
ACCESS EXCLUSIVE X   X   X   X   X   X   X   X
`;

const documentedRows = DOCUMENTED.trim()
  .split('\n')
  .slice(1)
  .map((line) => line.slice(17).trim().split(/\s+/));

describe('conflict matrix', () => {
  it('is typed from the documented table: 8 rows of 8', () => {
    expect(documentedRows).toHaveLength(8);
    for (const row of documentedRows) expect(row).toHaveLength(8);
  });

  for (const [i, requested] of ORDER.entries()) {
    it(`${requested} conflicts exactly as documented`, () => {
      const expected = ORDER.filter((_, j) => documentedRows[i]![j] === 'X');
      expect(ORDER.filter((existing) => conflicts(requested, existing))).toEqual(expected);
      expect([...LOCK_CONFLICTS[requested]].sort()).toEqual([...expected].sort());
    });
  }

  it('is symmetric', () => {
    for (const a of ORDER) for (const b of ORDER) expect(conflicts(a, b)).toBe(conflicts(b, a));
  });

  it('orders strengths 1..8', () => {
    expect(ORDER.map((m) => LOCK_STRENGTH[m])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('lockLabel', () => {
  it('gives the LOCK TABLE words', () => {
    expect(ORDER.map(lockLabel)).toEqual([
      'ACCESS SHARE',
      'ROW SHARE',
      'ROW EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'SHARE',
      'SHARE ROW EXCLUSIVE',
      'EXCLUSIVE',
      'ACCESS EXCLUSIVE',
    ]);
  });

  it('round-trips through LOCK TABLE … IN <label> MODE', () => {
    for (const m of ORDER) expect(effect(`LOCK TABLE t IN ${lockLabel(m)} MODE`).locks[0]?.mode).toBe(m);
  });
});

describe('lockBlocks', () => {
  it('names what waits behind the common modes', () => {
    expect(lockBlocks('ShareUpdateExclusiveLock')).toEqual(['VACUUM', 'ANALYZE', 'CREATE INDEX CONCURRENTLY', 'other schema changes']);
    expect(lockBlocks('ShareLock').slice(0, 3)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect(lockBlocks('AccessExclusiveLock').slice(0, 4)).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    expect(lockBlocks('AccessShareLock')).toEqual(['ALTER TABLE', 'DROP', 'TRUNCATE']);
  });

  it('agrees with the matrix for reads, writes and maintenance', () => {
    for (const m of ORDER) {
      const words = lockBlocks(m);
      expect(words.includes('SELECT'), `${m} blocks SELECT`).toBe(conflicts(m, 'AccessShareLock'));
      expect(words.includes('SELECT') || words.includes('SELECT FOR UPDATE/SHARE'), `${m} blocks FOR UPDATE`).toBe(conflicts(m, 'RowShareLock'));
      for (const w of ['INSERT', 'UPDATE', 'DELETE']) {
        expect(words.includes(w), `${m} blocks ${w}`).toBe(conflicts(m, 'RowExclusiveLock'));
      }
      expect(words.includes('VACUUM'), `${m} blocks VACUUM`).toBe(conflicts(m, 'ShareUpdateExclusiveLock'));
      expect(words.length).toBeGreaterThan(0);
      expect(new Set(words).size).toBe(words.length);
    }
  });
});

describe('statementEffect without a server', () => {
  it('matches every LOCK_CASES entry (PostgreSQL 18)', () => {
    for (const c of LOCK_CASES) {
      const e = effect(c.sql);
      const claims = e.locks.map((l) => ({ relation: l.relation.schema ? `${l.relation.schema}.${l.relation.name}` : l.relation.name, mode: l.mode }));
      expect(claims, c.name).toEqual(c.expect);
      expect(e.nonTransactional, c.name).toBe(Boolean(c.nonTransactional));
    }
  });

  it('keeps the schema only when written, and quoted names as written', () => {
    expect(effect('CREATE INDEX i ON app.orders (x)').locks[0]).toStrictEqual({
      mode: 'ShareLock',
      relation: { schema: 'app', name: 'orders' },
      on: 'table',
    });
    expect(effect('CREATE INDEX i ON Orders (x)').locks[0]?.relation).toStrictEqual({ name: 'orders' });
    expect(effect('CREATE INDEX i ON "Orders" (x)').locks[0]?.relation).toStrictEqual({ name: 'Orders' });
  });

  it('CREATE INDEX CONCURRENTLY: SHARE UPDATE EXCLUSIVE, outside a transaction', () => {
    expect(effect('CREATE INDEX CONCURRENTLY i ON t (x)')).toEqual({
      locks: [{ mode: 'ShareUpdateExclusiveLock', relation: { name: 't' }, on: 'table' }],
      nonTransactional: true,
      rewrite: false,
      scan: true,
    });
  });

  it('scans for validation unless NOT VALID', () => {
    expect(effect('ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)').scan).toBe(true);
    expect(effect('ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID').scan).toBe(false);
    expect(effect('ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)').scan).toBe(true);
    expect(effect('ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID').scan).toBe(false);
    expect(effect('ALTER TABLE t VALIDATE CONSTRAINT c').scan).toBe(true);
    expect(effect('ALTER TABLE t ALTER COLUMN a SET NOT NULL').scan).toBe(true);
    expect(effect('ALTER TABLE t ALTER COLUMN a DROP NOT NULL').scan).toBe(false);
  });

  it('rewrites for volatile defaults, identity, stored generated columns and type changes', () => {
    expect(effect("ALTER TABLE t ADD COLUMN a text DEFAULT 'x'").rewrite).toBe(false);
    expect(effect('ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()').rewrite).toBe(false);
    expect(effect('ALTER TABLE t ADD COLUMN a timestamptz DEFAULT CURRENT_TIMESTAMP').rewrite).toBe(false);
    expect(effect('ALTER TABLE t ADD COLUMN a float8 DEFAULT random()').rewrite).toBe(true);
    expect(effect('ALTER TABLE t ADD COLUMN a bigint DEFAULT my_function()').rewrite).toBe(true);
    expect(effect('ALTER TABLE t ADD COLUMN a bigint GENERATED BY DEFAULT AS IDENTITY').rewrite).toBe(true);
    expect(effect('ALTER TABLE t ADD COLUMN a int GENERATED ALWAYS AS (b * 2) STORED').rewrite).toBe(true);
    expect(effect('ALTER TABLE t ADD COLUMN a int GENERATED ALWAYS AS (b * 2)').rewrite).toBe(false);
    expect(effect('ALTER TABLE t ALTER COLUMN a TYPE bigint').rewrite).toBe(true);
    expect(effect('ALTER INDEX i SET TABLESPACE s').rewrite).toBe(false);
  });

  it('follows the PostgreSQL version where the behaviour changed', () => {
    expect(effect("ALTER TYPE e ADD VALUE 'x'", 11).nonTransactional).toBe(true);
    expect(effect("ALTER TYPE e ADD VALUE 'x'", 12).nonTransactional).toBe(false);
    expect(effect("ALTER TYPE e RENAME VALUE 'x' TO 'y'", 11).nonTransactional).toBe(false);
    expect(effect('ALTER TABLE t ADD COLUMN a int DEFAULT 0', 10).rewrite).toBe(true);
    expect(effect('ALTER TABLE t ADD COLUMN a int DEFAULT 0', 11).rewrite).toBe(false);
    expect(effect('ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)', 11).locks[0]?.mode).toBe('AccessExclusiveLock');
    expect(effect('ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)', 12).locks[0]?.mode).toBe('ShareUpdateExclusiveLock');
    expect(effect('ALTER INDEX i RENAME TO j', 11).locks[0]?.mode).toBe('AccessExclusiveLock');
  });

  it('reads options written as (name false)', () => {
    expect(effect('REINDEX (CONCURRENTLY false) TABLE t')).toMatchObject({
      locks: [{ mode: 'ShareLock' }],
      nonTransactional: false,
    });
    expect(effect('VACUUM (FULL false) t').locks[0]?.mode).toBe('ShareUpdateExclusiveLock');
    expect(effect("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (create_slot = false)").nonTransactional).toBe(false);
    expect(effect("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (connect = false)").nonTransactional).toBe(false);
  });

  it('claims nothing for statements it does not model', () => {
    const none: StatementEffect = { locks: [], nonTransactional: false, rewrite: false, scan: false };
    expect(effect('DO $$ BEGIN PERFORM 1; END $$')).toEqual(none);
    expect(effect('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')).toEqual(none);
    expect(statementEffect({}, { pgVersion: 18 })).toEqual(none);
    expect(statementEffect({ NoSuchStmt: {} }, { pgVersion: 18 })).toEqual(none);
    expect(statementEffect({ AlterTableStmt: { cmds: [null, { AlterTableCmd: {} }] } }, { pgVersion: 18 })).toEqual(none);
  });

  it('throws on a shape it cannot read instead of claiming no locks (the analysis reports it)', () => {
    expect(() => statementEffect({ IndexStmt: null }, { pgVersion: 18 })).toThrow(TypeError);
  });
});

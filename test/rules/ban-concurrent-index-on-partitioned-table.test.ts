import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixText, lintText } from '../../src/engine/lint-text.js';
import { startPostgres, TEST_PG_MAJORS, type TestPostgres } from '../helpers/postgres.js';

const ID = 'ban-concurrent-index-on-partitioned-table';
const tables = { events: { rows: 240_000_000, bytes: 61_000_000_000, partitioned: true } };

describe(ID, () => {
  it('names the table with its size and points at ON ONLY', async () => {
    const r = await lintText('CREATE INDEX CONCURRENTLY idx_events_account ON events (account_id);\n', { tables });
    const f = r.findings.find((x) => x.ruleId === ID)!;
    expect(f.severity).toBe('error');
    expect(f.message).toBe(
      'PostgreSQL cannot build an index CONCURRENTLY on the partitioned table events (240.0M rows, 56.8 GB): the migration fails with "cannot create index on partitioned table … concurrently".',
    );
    expect(f.help).toBe(
      'Create the index ON ONLY events (instant, INVALID until complete); then for each partition: CREATE INDEX CONCURRENTLY … ON <partition> (…); ALTER INDEX idx_events_account ATTACH PARTITION <partition index>;',
    );
    // The blocking-build rule leaves partitioned parents to this rule.
    expect(r.findings.map((x) => x.ruleId)).not.toContain('require-concurrent-index-creation');
  });

  it('is silent without knowing the table is partitioned', async () => {
    const r = await lintText('CREATE INDEX CONCURRENTLY idx_events_account ON events (account_id);\n', { tables: { events: { rows: 240_000_000 } } });
    expect(r.findings.filter((x) => x.ruleId === ID)).toEqual([]);
  });

  it.each([
    ['CREATE INDEX CONCURRENTLY idx_events_account ON events (account_id);\n', 'CREATE INDEX idx_events_account ON ONLY events (account_id);\n'],
    [
      'CREATE UNIQUE INDEX idx_events_id ON public.events USING btree (id, happened_at);\n',
      'CREATE UNIQUE INDEX idx_events_id ON ONLY public.events USING btree (id, happened_at);\n',
    ],
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_events_kind ON ONLY events (kind);\n', 'CREATE INDEX IF NOT EXISTS idx_events_kind ON ONLY events (kind);\n'],
  ])('suggests ON ONLY: %j', async (code, fixed) => {
    const out = await fixText(code, { tables, types: ['suggestion'], rules: [ID] });
    expect(out.rejected).toBeUndefined();
    expect(out.text).toBe(fixed);
    const after = await lintText(out.text, { tables });
    expect(after.findings.filter((f) => f.ruleId === ID || f.ruleId === 'parse-error')).toEqual([]);
    // --fix alone never applies it.
    expect((await fixText(code, { tables, rules: [ID] })).text).toBe(code);
  });
});

// Proved on PostgreSQL 15 (migralint's default --pg-version) and 18.
for (const major of TEST_PG_MAJORS) {
  describe(`${ID} on PostgreSQL ${major}`, () => {
    let db: TestPostgres;
    beforeAll(async () => {
      db = await startPostgres(major);
    });
    afterAll(async () => {
      await db?.stop();
    });

    it('the flagged statement fails and the suggested sequence builds a valid index', async () => {
      const c = db.pg.getPgClient(db.database, '127.0.0.1');
      await c.connect();
      try {
        await c.query(`CREATE TABLE events (id bigint, account_id bigint, happened_at date NOT NULL) PARTITION BY RANGE (happened_at);
          CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
          CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`);
        await expect(c.query('CREATE INDEX CONCURRENTLY idx_events_account ON events (account_id)')).rejects.toThrow(
          'cannot create index on partitioned table "events" concurrently',
        );
        const suggested = (
          await fixText('CREATE INDEX CONCURRENTLY idx_events_account ON events (account_id);\n', { tables, types: ['suggestion'], rules: [ID] })
        ).text;
        await c.query(suggested);
        const valid = async () =>
          (await c.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_events_account'::regclass`)).rows[0].indisvalid as boolean;
        expect(await valid()).toBe(false);
        for (const p of ['events_2025', 'events_2026']) {
          await c.query(`CREATE INDEX CONCURRENTLY idx_${p}_account ON ${p} (account_id)`);
          await c.query(`ALTER INDEX idx_events_account ATTACH PARTITION idx_${p}_account`);
        }
        expect(await valid()).toBe(true);
      } finally {
        await c.end();
      }
    });
  });
}

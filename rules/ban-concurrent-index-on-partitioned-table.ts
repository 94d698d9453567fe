import { displayName, tableKey } from '../src/catalog/catalog.js';
import { tableLabel } from '../src/engine/describe.js';
import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/types.js';

export default defineRule({
  meta: {
    id: 'ban-concurrent-index-on-partitioned-table',
    description: 'CREATE INDEX CONCURRENTLY fails on a partitioned table, and a plain CREATE INDEX on one blocks writes to every partition.',
    category: 'locking',
    defaultSeverity: 'error',
    fix: 'suggestion',
    messages: {
      concurrent:
        'PostgreSQL cannot build an index CONCURRENTLY on the partitioned table {{table}}: the migration fails with "cannot create index on partitioned table … concurrently".',
      blocking:
        'CREATE INDEX on the partitioned table {{table}} builds the index on every partition under a SHARE lock: INSERT, UPDATE and DELETE on all partitions wait until the last build finishes.',
    },
    docs: {
      what: 'Flags `CREATE INDEX CONCURRENTLY` on a partitioned table (PostgreSQL refuses it) and plain `CREATE INDEX` on a partitioned parent (it recurses into every partition). It needs to know the table is partitioned: from a live database (`--database-url`), a stats snapshot (`--stats`), config `tables: { events: { partitioned: true } }`, or a `CREATE TABLE … PARTITION BY` earlier in the same migration.',
      why: "An index on a partitioned table is built partition by partition, and PostgreSQL has no CONCURRENTLY for it: the concurrent form fails at deploy time, and the plain form holds a SHARE lock on the parent and on each partition until the whole tree is built, so writes to the table stop for the sum of all builds. The way that keeps writes flowing: create the index `ON ONLY` the parent (instant; the index is INVALID until every partition has one), build each partition's index with `CREATE INDEX CONCURRENTLY`, and attach each with `ALTER INDEX parent_index ATTACH PARTITION partition_index` — the parent index becomes valid when the last one is attached.",
      invalid: [
        {
          title: 'CONCURRENTLY on a partitioned table fails',
          code: 'CREATE INDEX CONCURRENTLY idx_events_account ON events (account_id);\n',
          tables: { events: { rows: 240_000_000, partitioned: true } },
        },
        {
          title: 'A plain build locks every partition',
          code: 'CREATE INDEX idx_events_account ON events (account_id);\n',
          tables: { events: { rows: 240_000_000, partitioned: true } },
        },
        {
          title: 'A table partitioned earlier in the same migration',
          code: "CREATE TABLE measurements (sensor_id bigint NOT NULL, taken_at timestamptz NOT NULL, value double precision) PARTITION BY RANGE (taken_at);\nCREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nCREATE INDEX CONCURRENTLY idx_measurements_sensor ON measurements (sensor_id, taken_at);\n",
        },
      ],
      valid: [
        {
          title: 'ON ONLY the parent, then concurrently per partition, then attach',
          code: 'CREATE INDEX idx_events_account ON ONLY events (account_id);\nCREATE INDEX CONCURRENTLY idx_events_2025_account ON events_2025 (account_id);\nALTER INDEX idx_events_account ATTACH PARTITION idx_events_2025_account;\n',
          tables: { events: { rows: 240_000_000, partitioned: true }, events_2025: { rows: 80_000_000 } },
        },
        {
          title: 'A plain build on a partitioned table created in the same migration (empty)',
          code: 'CREATE TABLE measurements (sensor_id bigint NOT NULL, taken_at timestamptz NOT NULL) PARTITION BY RANGE (taken_at);\nCREATE INDEX idx_measurements_sensor ON measurements (sensor_id, taken_at);\n',
        },
        {
          title: 'An ordinary table',
          code: 'CREATE INDEX CONCURRENTLY idx_orders_account ON orders (account_id);\n',
          tables: { orders: { rows: 5_000_000 } },
        },
      ],
      fixSafety:
        'A suggestion, never applied by --fix: it changes the statement to `CREATE INDEX … ON ONLY parent` without CONCURRENTLY, which creates an INVALID parent index at once; the per-partition `CREATE INDEX CONCURRENTLY` and `ALTER INDEX … ATTACH PARTITION` statements still have to be written (partition names are not in the migration).',
      references: [
        'https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE',
        'https://www.postgresql.org/docs/current/sql-createindex.html',
        'https://www.postgresql.org/docs/current/sql-alterindex.html',
      ],
    },
  },
  check(ctx) {
    const partitionedHere = new Set<string>();
    for (const s of ctx.statements) {
      if (s.kind === 'CreateStmt' && s.node.partspec && s.node.relation?.relname) {
        partitionedHere.add(tableKey({ schema: s.node.relation.schemaname, name: s.node.relation.relname }));
        continue;
      }
      if (s.kind !== 'IndexStmt') continue;
      const rel = s.node.relation;
      if (!rel?.relname) continue;
      const qualified = { schema: rel.schemaname as string | undefined, name: rel.relname as string };
      const table = s.facts.tables[0];
      const partitioned = partitionedHere.has(tableKey(qualified)) || ctx.catalog.lookup(qualified)?.partitioned === true || table?.partitioned === true;
      if (!partitioned) continue;
      const only = !rel.inh; // ON ONLY: the parser leaves `inh` out when false
      const concurrent = Boolean(s.node.concurrent);
      if (!concurrent && only) continue;
      // A plain build on a table created in this migration, or a small one, locks nothing that waits long.
      const isNew = partitionedHere.has(tableKey(qualified)) || table?.sizeClass === 'new';
      if (!concurrent && (isNew || table?.sizeClass === 'small')) continue;

      const suggestions: Fix[] = [];
      const local = [];
      const conc = concurrent ? /\bCONCURRENTLY\s+/i.exec(s.sql) : null;
      if (conc) local.push({ start: conc.index, end: conc.index + conc[0].length, text: '' });
      const on = only ? null : /\bON\s+/i.exec(s.sql.slice((conc?.index ?? 0) + (conc?.[0].length ?? 0)));
      if (on) {
        const at = (conc ? conc.index + conc[0].length : 0) + on.index + on[0].length;
        local.push({ start: at, end: at, text: 'ONLY ' });
      }
      const edits = local.map((e) => ctx.fixer.fileEdit(s, e));
      if (local.length && edits.every((e) => e !== null)) {
        suggestions.push({
          description: `Create the index ON ONLY ${displayName(qualified)}, then build and attach one per partition`,
          edits: edits as NonNullable<(typeof edits)[number]>[],
        });
      }
      const label = table && table.sizeClass !== 'new' ? tableLabel(table) : displayName(qualified);
      const index = s.node.idxname ? displayName({ name: s.node.idxname as string }) : 'the_index';
      ctx.report({
        statement: s,
        messageId: concurrent ? 'concurrent' : 'blocking',
        data: { table: label },
        suggestions,
        help: `Create the index ON ONLY ${displayName(qualified)} (instant, INVALID until complete); then for each partition: CREATE INDEX CONCURRENTLY … ON <partition> (…); ALTER INDEX ${index} ATTACH PARTITION <partition index>;`,
      });
    }
  },
});

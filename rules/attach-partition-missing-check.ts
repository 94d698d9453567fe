import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { alterCmds, relName, unwrap } from '../src/engine/ast.js';
import { tableLabel, withSizeHint } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'attach-partition-missing-check',
    description: 'ATTACH PARTITION scans the whole partition under an ACCESS EXCLUSIVE lock unless a validated CHECK constraint already proves its bound.',
    category: 'locking',
    defaultSeverity: 'warn',
    fix: 'none',
    sizeAware: true,
    messages: {
      scan: 'ATTACH PARTITION {{partition}} to {{parent}} reads every row of {{partition}} to check it against the partition bound while holding an ACCESS EXCLUSIVE lock on it (every query on it waits){{known}}.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ATTACH PARTITION` of a table that was not created in the same migration when the schema model knows no validated CHECK constraint on it. Size-aware: silent on new and small tables.',
      why: "Attaching a table as a partition takes SHARE UPDATE EXCLUSIVE on the parent (PostgreSQL 12+) but ACCESS EXCLUSIVE on the table being attached, and then reads all of it to prove every row fits the partition bound — unless a valid CHECK constraint on the table already implies the bound, in which case PostgreSQL skips the scan. So add that CHECK first as NOT VALID (a brief lock), VALIDATE it (SHARE UPDATE EXCLUSIVE: reads and writes go on), attach, and drop the CHECK afterwards. migralint cannot compare the CHECK's expression with the bound: any validated CHECK on the table silences it.",
      invalid: [
        {
          code: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n",
          tables: { events_2025: { rows: 40_000_000 } },
        },
      ],
      valid: [
        {
          title: 'A CHECK that implies the bound, validated before the attach',
          code: "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (happened_at IS NOT NULL AND happened_at >= '2025-01-01' AND happened_at < '2026-01-01') NOT VALID;\nALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound;\nALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nALTER TABLE events_2025 DROP CONSTRAINT events_2025_bound;\n",
        },
        {
          title: 'A table created in the same migration is empty',
          code: "CREATE TABLE events_2026 (LIKE events INCLUDING DEFAULTS);\nALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n",
        },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION',
        'https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'AlterTableStmt' || s.node.objtype !== 'OBJECT_TABLE') continue;
      for (const c of alterCmds(s)) {
        if (c.subtype !== 'AT_AttachPartition') continue;
        if (s.facts.partitionChecks?.length) continue;
        const rel = relName(unwrap(c.def, 'PartitionCmd')?.name);
        const partition = rel ? s.facts.tables.find((t) => t.name === rel.name) : undefined;
        if (!rel || !partition) continue;
        const parent = relName(s.node.relation);
        ctx.report({
          statement: s,
          table: partition,
          messageId: 'scan',
          data: {
            partition: tableLabel(partition),
            parent: parent ? displayName(parent) : '?',
            known: s.facts.partitionChecks ? ', and the migrations before it give it no validated CHECK constraint that could prove the bound' : '',
          },
          help: withSizeHint(
            'Add a CHECK constraint matching the bound as NOT VALID, VALIDATE it, then attach (PostgreSQL then skips the scan) and drop the CHECK.',
            partition,
          ),
        });
      }
    }
  },
});

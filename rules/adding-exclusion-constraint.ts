import { defineRule } from '../src/engine/rule.js';
import { alterCmds, relationOf, relName, tableFor, unwrap } from '../src/engine/ast.js';
import { lockWords, tableLabel, withSizeHint } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'adding-exclusion-constraint',
    description: 'An exclusion constraint is built and checked under an ACCESS EXCLUSIVE lock and cannot be added NOT VALID.',
    category: 'constraints',
    defaultSeverity: 'warn',
    fix: 'none',
    sizeAware: true,
    messages: {
      blocking: 'Adding exclusion constraint {{constraint}} on {{table}} builds its index and checks every row while holding an {{lock}} lock: {{blocks}}.',
    },
    docs: {
      what: 'Flags `ALTER TABLE … ADD [CONSTRAINT …] EXCLUDE …` on a table that already exists.',
      why: 'An exclusion constraint is backed by an index that is built, and every row checked against every other, while ACCESS EXCLUSIVE is held. Unlike CHECK and FOREIGN KEY it cannot be added `NOT VALID`, and unlike UNIQUE it cannot adopt an index built concurrently: on a large table there is no non-blocking way to add it. Plan a maintenance window, or enforce the rule another way (a trigger, or a new table).',
      invalid: [
        {
          code: 'ALTER TABLE room_bookings ADD CONSTRAINT room_bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);\n',
          tables: { room_bookings: { rows: 5_200_000 } },
        },
      ],
      valid: [
        {
          title: 'Declared when the table is created',
          code: 'CREATE TABLE room_bookings (\n  room_id bigint NOT NULL,\n  during tstzrange NOT NULL,\n  EXCLUDE USING gist (room_id WITH =, during WITH &&)\n);\n',
        },
        {
          title: 'A small table',
          code: 'ALTER TABLE meeting_rooms ADD CONSTRAINT meeting_rooms_no_overlap EXCLUDE USING gist (floor WITH =, span WITH &&);\n',
          tables: { meeting_rooms: { rows: 40 } },
        },
      ],
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html',
        'https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-EXCLUDE',
      ],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      for (const c of alterCmds(s)) {
        const con = c.subtype === 'AT_AddConstraint' ? unwrap(c.def, 'Constraint') : undefined;
        if (con?.contype !== 'CONSTR_EXCLUSION') continue;
        const table = tableFor(s, relName(relationOf(s)));
        if (!table) continue;
        ctx.report({
          statement: s,
          table,
          messageId: 'blocking',
          data: { constraint: con.conname ?? '(unnamed)', table: tableLabel(table), ...lockWords(s) },
          help: withSizeHint(
            'There is no online way to add an exclusion constraint: schedule it for a quiet time, with lock_timeout and statement_timeout set.',
            table,
          ),
        });
      }
    }
  },
});

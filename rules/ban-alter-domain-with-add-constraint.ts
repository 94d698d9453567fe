import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { strings, unwrap } from '../src/engine/ast.js';
import { tableLabel } from '../src/engine/describe.js';

export default defineRule({
  meta: {
    id: 'ban-alter-domain-with-add-constraint',
    description: 'ALTER DOMAIN … ADD CONSTRAINT checks every column of every table that uses the domain.',
    category: 'constraints',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      domain:
        'ALTER DOMAIN {{domain}} ADD CONSTRAINT checks every row of every table with a column of this domain{{tables}}, while holding a SHARE lock on each: INSERT, UPDATE and DELETE on all of them wait.',
      notValid:
        'ALTER DOMAIN {{domain}} ADD CONSTRAINT … NOT VALID skips the check for now, but its VALIDATE CONSTRAINT must scan every table with a column of this domain, holding a SHARE lock on each: INSERT, UPDATE and DELETE on all of them wait.',
    },
    docs: {
      what: 'Flags `ALTER DOMAIN … ADD CONSTRAINT`.',
      why: 'A domain constraint applies to every column declared with the domain, in every table. Adding one locks each of those tables in SHARE mode (writes wait) and scans them all to check existing values — a scan whose size the migration does not show. `NOT VALID` skips the check for now, but the `VALIDATE CONSTRAINT` that must follow scans all the tables under the same lock. A CHECK constraint on the table itself can be added NOT VALID and validated without blocking writes.',
      invalid: [
        { code: "ALTER DOMAIN email_address ADD CONSTRAINT email_address_has_at CHECK (VALUE LIKE '%@%');\n" },
        {
          title: 'NOT VALID only postpones the scan',
          code: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0) NOT VALID;\n',
        },
      ],
      valid: [
        { title: 'A table CHECK, added NOT VALID', code: "ALTER TABLE customers ADD CONSTRAINT customers_email_has_at CHECK (email LIKE '%@%') NOT VALID;\n" },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-alterdomain.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'AlterDomainStmt' || s.node.subtype !== 'C') continue;
      const names = strings(s.node.typeName);
      const domain = displayName(names.length > 1 ? { schema: names[names.length - 2]!, name: names[names.length - 1]! } : { name: names[0] ?? '?' });
      // The tables using the domain, when the schema model knows them (they carry the SHARE lock claims).
      const tables = s.facts.tables.filter((t) => t.sizeClass !== 'new');
      const known = tables.length ? ` (${tables.map(tableLabel).join(', ')})` : '';
      ctx.report({
        statement: s,
        messageId: unwrap(s.node.def, 'Constraint')?.skip_validation ? 'notValid' : 'domain',
        data: { domain, tables: known },
        help: 'Put the CHECK on the tables instead (ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT), or create a new domain and move columns to it.',
      });
    }
  },
});

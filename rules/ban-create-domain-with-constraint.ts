import { defineRule } from '../src/engine/rule.js';
import { displayName } from '../src/catalog/catalog.js';
import { strings } from '../src/engine/ast.js';
import { unwrapAll } from '../src/sql/nodes.js';

export default defineRule({
  meta: {
    id: 'ban-create-domain-with-constraint',
    description: 'Constraints on a domain are hard to change later without scanning every table that uses it.',
    category: 'constraints',
    defaultSeverity: 'warn',
    fix: 'none',
    messages: {
      domain: 'CREATE DOMAIN {{domain}} with a {{kind}} constraint: changing or adding it later scans every table that uses the domain under a SHARE lock.',
    },
    docs: {
      what: 'Flags `CREATE DOMAIN … CHECK (…)` and `CREATE DOMAIN … NOT NULL`.',
      why: 'Creating the domain is harmless; living with its constraint is not. Tightening or replacing it later means `ALTER DOMAIN … ADD CONSTRAINT`, which scans every column of the domain in every table while writes to them wait, and there is no way to do it table by table. Table-level CHECK constraints can be changed with NOT VALID + VALIDATE without blocking.',
      invalid: [
        { code: "CREATE DOMAIN us_postal_code AS text CHECK (VALUE ~ '^\\d{5}(-\\d{4})?$');\n" },
        { code: 'CREATE DOMAIN order_quantity AS integer NOT NULL;\n' },
      ],
      valid: [
        { code: 'CREATE DOMAIN us_postal_code AS text;\n' },
        { code: "ALTER TABLE addresses ADD CONSTRAINT addresses_postal_code_format CHECK (postal_code ~ '^\\d{5}(-\\d{4})?$') NOT VALID;\n" },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-createdomain.html', 'https://www.postgresql.org/docs/current/sql-alterdomain.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      if (s.kind !== 'CreateDomainStmt') continue;
      const con = unwrapAll(s.node.constraints, 'Constraint').find((c) => c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_NOTNULL');
      if (!con) continue;
      const names = strings(s.node.domainname);
      const domain = displayName(names.length > 1 ? { schema: names[names.length - 2]!, name: names[names.length - 1]! } : { name: names[0] ?? '?' });
      ctx.report({
        statement: s,
        messageId: 'domain',
        data: { domain, kind: con.contype === 'CONSTR_CHECK' ? 'CHECK' : 'NOT NULL' },
        help: 'Create the domain without constraints and put CHECK constraints on the tables that use it.',
      });
    }
  },
});

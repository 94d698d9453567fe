// `npm run new-rule <rule-id>`: the scaffold of a new rule. Writes rules/<rule-id>.ts (meta, the doc sections, an
// invalid and a valid example, a check to fill in) and fixtures/rules/<rule-id>/ (a flagged and a clean migration
// and the expected.json the rule tester reads), then regenerates rules/index.ts, which registers it. Nothing else is
// touched; `npm run docs` afterwards writes the rule's page and the README row.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleFileIds, rulesIndex } from './rules-index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Scaffold {
  /** Files written, relative to the root. */
  files: string[];
}

function ruleFile(id: string): string {
  return `import { defineRule } from '../src/engine/rule.js';

// A rule is this one file: its metadata, its documentation (whose examples are tests: an invalid example shows
// exactly one finding, or the ones its \`findings\` lists; a valid one none) and its check. Its fixtures are in
// fixtures/rules/${id}/. See CONTRIBUTING.md, "How to add a rule".
export default defineRule({
  meta: {
    id: '${id}',
    // TODO: one sentence, what the rule flags and what it costs.
    description: 'TODO: what ${id} flags.',
    // locking | constraints | columns | transactions | hygiene
    category: 'locking',
    defaultSeverity: 'warn',
    // The smallest preset that holds it: 'recommended' (the default), 'strict' or 'all'.
    preset: 'all',
    // The best fix it offers: 'safe' (plain --fix), 'suggestion', 'display-only' or 'none'.
    fix: 'none',
    // A message per message id; {{placeholders}} are filled from the report's data (a missing one is a type error).
    messages: {
      found: 'TODO: {{statement}} … which lock, for how long, what waits.',
    },
    docs: {
      what: 'TODO: Flags …',
      why: 'TODO: Which lock it takes, for how long, and what waits behind it.',
      invalid: [{ code: 'TODO: a migration this rule flags;\\n' }],
      valid: [{ code: 'TODO: the same change written safely;\\n' }],
      references: ['https://www.postgresql.org/docs/current/TODO.html'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      // TODO: the statements this rule is about. s.kind is the parse node's type (IndexStmt, AlterTableStmt …),
      // s.node the node, s.facts what the analysis knows (locks, transaction, tables and their sizes).
      if (s.kind !== 'TODO') continue;
      ctx.report({ statement: s, messageId: 'found', data: { statement: s.sql.trim().split(/\\s+/)[0] ?? '' } });
    }
  },
});
`;
}

function today(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/g, '');
}

/** Writes the scaffold of rule `id` under `root`; refuses an id that is not kebab-case or already exists. */
export function scaffold(id: string, root: string = ROOT): Scaffold {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) throw new Error(`"${id}" is not a rule id: use kebab-case, e.g. require-concurrent-index-creation`);
  const rulePath = path.join(root, 'rules', `${id}.ts`);
  const fixtureDir = path.join(root, 'fixtures', 'rules', id);
  if (existsSync(rulePath) || existsSync(fixtureDir)) throw new Error(`rule ${id} exists already (rules/${id}.ts or fixtures/rules/${id}/)`);
  const date = today();
  const flagged = `${date}_${id.replace(/-/g, '_')}_flagged.sql`;
  const clean = `${date}_${id.replace(/-/g, '_')}_clean.sql`;
  mkdirSync(fixtureDir, { recursive: true });
  writeFileSync(rulePath, ruleFile(id));
  writeFileSync(path.join(fixtureDir, flagged), '-- TODO: a migration as a real project writes it, that this rule flags.\nSELECT 1;\n');
  writeFileSync(path.join(fixtureDir, clean), '-- TODO: the same change written the safe way.\nSELECT 1;\n');
  // The rule tester's case for each file: every finding of the rule as [line, column, rule id, message id].
  const expected = { [flagged]: { findings: [[2, 1, id, 'found']] }, [clean]: { findings: [] } };
  writeFileSync(
    path.join(fixtureDir, 'expected.json'),
    `${JSON.stringify(expected, null, 2).replace(/\[\s+(\d+),\s+(\d+),\s+("[^"]+"),\s+("[^"]+")\s+\]/g, '[$1, $2, $3, $4]')}\n`,
  );
  writeFileSync(path.join(root, 'rules', 'index.ts'), rulesIndex(ruleFileIds(new URL(`file://${path.join(root, 'rules')}/`))));
  return {
    files: [
      `rules/${id}.ts`,
      `fixtures/rules/${id}/${flagged}`,
      `fixtures/rules/${id}/${clean}`,
      `fixtures/rules/${id}/expected.json`,
      'rules/index.ts (generated)',
    ],
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const id = process.argv[2];
  if (!id) {
    console.error('usage: npm run new-rule <rule-id>');
    process.exit(2);
  }
  try {
    const { files } = scaffold(id);
    console.log(
      `Wrote:\n${files.map((f) => `  ${f}`).join('\n')}\nFill in the TODOs, make the fixtures real migrations, then run \`npm run docs\` and \`npx vitest run test/rule-docs.test.ts test/rule-fixtures.test.ts\`.`,
    );
  } catch (e) {
    console.error(`migralint new-rule: ${(e as Error).message}`);
    process.exit(1);
  }
}

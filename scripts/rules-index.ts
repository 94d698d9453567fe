// rules/index.ts, generated from the files in rules/ (`npm run docs`, and `npm run new-rule`): a rule registers
// itself by being a file in rules/ whose default export is its defineRule(...), named after its id. Adding a rule
// then touches only the rule file and its fixtures; a test keeps this file in step with the folder.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const RULES_DIR = new URL('../rules/', import.meta.url);
/** Files in rules/ that are not rules: the registry itself and the engine findings' metadata. */
const NOT_RULES = new Set(['index.ts', 'engine.ts']);

/** The ids of the rule files in rules/, sorted. */
export function ruleFileIds(dir: URL = RULES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f))
    .map((f) => f.slice(0, -3))
    .sort();
}

function identifier(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The text of rules/index.ts for these rule ids. */
export function rulesIndex(ids: string[] = ruleFileIds()): string {
  return [
    '// Generated from the files in rules/ by `npm run docs` (scripts/rules-index.ts). Do not edit: add a rule file instead.',
    "import type { Rule, RuleMeta } from '../src/engine/rule.js';",
    "import { ENGINE_RULES } from './engine.js';",
    ...ids.map((id) => `import ${identifier(id)} from './${id}.js';`),
    '',
    '/** Every rule, by id. */',
    'export const RULES: Rule[] = [',
    ...ids.map((id) => `  ${identifier(id)},`),
    '];',
    '',
    'export const RULES_BY_ID: Record<string, Rule> = Object.fromEntries(RULES.map((r) => [r.meta.id, r]));',
    '',
    'export const ENGINE_RULE_IDS: string[] = ENGINE_RULES.map((m) => m.id);',
    '',
    "/** Every rule's meta, engine findings included: for `rules`, `explain` and SARIF. */",
    'export const ALL_RULE_META: RuleMeta[] = [...RULES.map((r) => r.meta), ...ENGINE_RULES];',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const url = new URL('index.ts', RULES_DIR);
  const text = rulesIndex();
  if (readFileSync(url, 'utf8') !== text) writeFileSync(url, text);
}

// docs/rules/<id>.md and docs/rules/README.md, generated from each rule's own metadata and documentation
// (`npm run docs`). The lock facts and the messages shown are what migralint reports on the rule's examples,
// obtained by linting them, so a page cannot claim a lock the analysis does not compute. A test keeps the pages
// in step with the rules.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { ALL_RULE_META } from '../rules/index.js';
import { lintText } from '../src/engine/lint-text.js';
import type { DocExample, RuleCategory, RuleMeta } from '../src/engine/rule.js';
import { formatBytes, formatRows } from '../src/engine/describe.js';
import { adapterFor } from '../src/sources/index.js';
import { exampleFramework, exampleLink } from '../src/example-link.js';
import type { FileResult } from '../src/types.js';

const CATEGORIES: Array<{ id: RuleCategory; title: string; about: string }> = [
  { id: 'locking', title: 'Locking', about: 'statements that hold a lock that blocks the application for as long as they run' },
  { id: 'transactions', title: 'Transactions', about: 'what runs inside a transaction block, and for how long its locks are held' },
  { id: 'constraints', title: 'Constraints', about: 'constraints whose validation scans the table under a strong lock' },
  { id: 'columns', title: 'Columns and tables', about: 'changes that rewrite a table, fail on existing rows, or break running code' },
  { id: 'hygiene', title: 'Types and naming', about: 'choices that are cheap now and expensive to change later' },
  { id: 'engine', title: 'Engine', about: 'findings about the migration file itself and about suppression comments' },
];

const FIX_WORDS: Record<RuleMeta['fix'], string> = {
  safe: 'fix (applied by `--fix`)',
  suggestion: 'suggestion (applied with `--fix-type suggestion`)',
  'display-only': 'display-only (the finding says what to change, and where; never applied)',
  none: 'none',
};

/** The presets a rule belongs to, when rule metadata names them (presets are optional metadata). */
function presetsOf(meta: RuleMeta): string[] {
  const presets = (meta as { presets?: unknown }).presets;
  return Array.isArray(presets) ? presets.filter((p): p is string => typeof p === 'string') : [];
}

function lintOptions(ex: DocExample, meta: RuleMeta) {
  // A rule that is off by default is switched on for its own examples, as the doc tests do.
  const severities = meta.defaultSeverity === 'off' ? { [meta.id]: 'warn' as const } : undefined;
  return { filename: ex.filename, tables: ex.tables, settings: ex.pgVersion ? { pgVersion: ex.pgVersion } : undefined, severities };
}

function fenceLanguage(filename: string | undefined): string {
  const ext = (filename ?? 'migration.sql').split('.').pop()!.toLowerCase();
  return { sql: 'sql', py: 'python', ts: 'ts', js: 'js', mjs: 'js', cjs: 'js', toml: 'toml' }[ext] ?? '';
}

function fence(code: string, lang: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${code.replace(/\n$/, '')}\n${ticks}`;
}

function frameworkLine(result: FileResult, ex: DocExample): string {
  const name = !result.framework || result.framework === 'psql' ? 'plain SQL run with psql' : adapterFor(result.framework).name;
  const file = ex.filename ? ` — \`${ex.filename}\`` : '';
  return `*${name}${file}*`;
}

function sizesLine(ex: DocExample): string | undefined {
  if (!ex.tables) return undefined;
  const parts = Object.entries(ex.tables).map(([name, t]) => {
    const bits = [
      t.rows !== undefined ? formatRows(t.rows) : undefined,
      t.bytes !== undefined ? formatBytes(t.bytes) : undefined,
      t.partitioned ? 'partitioned' : undefined,
    ].filter(Boolean);
    return `\`${name}\`${bits.length ? ` (${bits.join(', ')})` : ''}`;
  });
  return `Table sizes known: ${parts.join(', ')}.`;
}

/** One line per lock mode the rule's findings on its invalid examples report, with the relations it was on. */
function lockFacts(meta: RuleMeta, results: FileResult[]): string[] {
  const byMode = new Map<string, { relations: string[]; blocks: string[] }>();
  for (const r of results) {
    for (const f of r.findings) {
      const lock = f.data?.lock;
      if (f.ruleId !== meta.id || !lock) continue;
      const entry = byMode.get(lock.mode) ?? { relations: [], blocks: lock.blocks };
      if (!entry.relations.includes(lock.relation)) entry.relations.push(lock.relation);
      byMode.set(lock.mode, entry);
    }
  }
  return [...byMode].map(([mode, e]) => `- **${mode}** (on ${e.relations.map((n) => `\`${n}\``).join(', ')}) — blocks ${e.blocks.join(', ')}`);
}

export async function rulePage(meta: RuleMeta): Promise<string> {
  const out: string[] = [];
  out.push("<!-- Generated from the rule's metadata by `npm run docs` (scripts/rule-pages.ts). Edit the rule, not this file. -->", '');
  out.push(`# ${meta.id}`, '', meta.description, '');
  const presets = presetsOf(meta);
  out.push('| category | default severity | fix | size-aware |' + (presets.length ? ' presets |' : ''));
  out.push('|---|---|---|---|' + (presets.length ? '---|' : ''));
  out.push(
    `| ${meta.category} | ${meta.defaultSeverity} | ${FIX_WORDS[meta.fix]} | ${meta.sizeAware ? 'yes: silent on new and small tables, an error on large ones' : 'no'} |` +
      (presets.length ? ` ${presets.map((p) => `\`${p}\``).join(', ')} |` : ''),
  );
  out.push('', '## What it does', '', meta.docs.what, '', '## Why is this bad?', '', meta.docs.why, '');

  const invalid = await Promise.all(meta.docs.invalid.map((ex) => lintText(ex.code, lintOptions(ex, meta))));
  const locks = lockFacts(meta, invalid);
  out.push('## Locks', '');
  if (locks.length) {
    out.push(
      "The locks migralint reports for this rule's examples below (the lock table is checked against a real PostgreSQL in `test/locks.pg.test.ts`):",
      '',
      ...locks,
      '',
    );
  } else {
    out.push("This rule's findings are not about a lock the statement holds (see *Why is this bad?*).", '');
  }

  out.push('## Examples', '');
  meta.docs.invalid.forEach((ex, i) => {
    const result = invalid[i]!;
    out.push(`### Flagged${ex.title ? `: ${ex.title}` : ''}`, '', frameworkLine(result, ex), '');
    const sizes = sizesLine(ex);
    if (sizes) out.push(sizes, '');
    if (ex.pgVersion) out.push(`PostgreSQL ${ex.pgVersion}.`, '');
    out.push(fence(ex.code, fenceLanguage(ex.filename)), '');
    const messages = result.findings.filter((f) => f.ruleId === meta.id);
    for (const f of messages) out.push(`> line ${f.loc.line}, ${f.severity}: ${f.message.replace(/\n/g, ' ')}`);
    if (messages.length) out.push('');
    if (ex.fixed !== undefined)
      out.push(meta.fix === 'suggestion' ? 'With the suggestion applied:' : 'After `--fix`:', '', fence(ex.fixed, fenceLanguage(ex.filename)), '');
    // The link names the framework from the file name and text alone; it must be the one the page was linted as.
    if (exampleFramework(ex) !== (result.framework ?? 'psql'))
      throw new Error(`${meta.id}: example linted as ${result.framework}, but its playground link says ${exampleFramework(ex)}`);
    out.push(`[Open this example in the playground](${exampleLink(meta, ex)})`, '');
  });
  for (const ex of meta.docs.valid) {
    const result = await lintText(ex.code, lintOptions(ex, meta));
    out.push(`### Not flagged${ex.title ? `: ${ex.title}` : ''}`, '', frameworkLine(result, ex), '');
    const sizes = sizesLine(ex);
    if (sizes) out.push(sizes, '');
    if (ex.pgVersion) out.push(`PostgreSQL ${ex.pgVersion}.`, '');
    out.push(fence(ex.code, fenceLanguage(ex.filename)), '');
  }

  if (meta.docs.fixSafety) out.push('## Fix safety', '', meta.docs.fixSafety, '');
  if (meta.docs.references.length) out.push('## References', '', ...meta.docs.references.map((r) => `- <${r}>`), '');
  out.push('## Configure', '', '```json', JSON.stringify({ rules: { [meta.id]: meta.defaultSeverity === 'off' ? 'warn' : 'off' } }), '```', '');
  out.push(`Suppress one finding: \`-- migralint-disable-next-line ${meta.id} -- reason\` (\`#\` in Python, \`//\` in JS/TS).`, '');
  out.push('[All rules](README.md)', '');
  return out.join('\n');
}

function indexRow(meta: RuleMeta): string {
  const fix = meta.fix === 'safe' ? 'fix' : meta.fix === 'suggestion' ? 'sugg' : '';
  return `| [\`${meta.id}\`](${meta.id}.md) | ${meta.defaultSeverity} | ${fix} | ${meta.description.replace(/\|/g, '\\|')} |`;
}

export function rulesIndex(): string {
  const out: string[] = [];
  out.push("<!-- Generated from the rules' metadata by `npm run docs` (scripts/rule-pages.ts). -->", '');
  out.push('# Rules', '');
  out.push(
    "Every rule migralint has, with its default severity and whether `--fix` can rewrite the migration (**fix**: applied by `--fix`; **sugg**: a suggestion, applied with `--fix-type suggestion`). Each page has the rule's examples, the locks involved, and references to PostgreSQL's documentation. `migralint explain <rule-id>` prints the same in a terminal.",
    '',
  );
  const presets = [...new Set(ALL_RULE_META.flatMap(presetsOf))].sort();
  out.push(
    'By category: ' +
      CATEGORIES.filter((c) => ALL_RULE_META.some((m) => m.category === c.id))
        .map((c) => `[${c.title}](#${c.title.toLowerCase().replace(/ /g, '-')})`)
        .join(' · ') +
      (presets.length ? ` — by preset: ${presets.map((p) => `[${p}](#preset-${p})`).join(' · ')}` : ''),
    '',
  );
  for (const c of CATEGORIES) {
    const rules = ALL_RULE_META.filter((m) => m.category === c.id);
    if (!rules.length) continue;
    out.push(`## ${c.title}`, '', `Rules about ${c.about}.`, '', '| rule | default | fix | what it flags |', '|---|---|---|---|', ...rules.map(indexRow), '');
  }
  for (const p of presets) {
    out.push(
      `## Preset: ${p}`,
      '',
      '| rule | default | fix | what it flags |',
      '|---|---|---|---|',
      ...ALL_RULE_META.filter((m) => presetsOf(m).includes(p)).map(indexRow),
      '',
    );
  }
  return out.join('\n');
}

/** Every generated file, by path relative to the repository root. */
export async function renderRuleDocs(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set('docs/rules/README.md', rulesIndex());
  for (const meta of ALL_RULE_META) files.set(`docs/rules/${meta.id}.md`, await rulePage(meta));
  return files;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const root = new URL('../', import.meta.url);
  const files = await renderRuleDocs();
  mkdirSync(new URL('docs/rules/', root), { recursive: true });
  // A page whose rule is gone is removed.
  for (const f of readdirSync(new URL('docs/rules/', root))) if (!files.has(`docs/rules/${f}`)) rmSync(new URL(`docs/rules/${f}`, root));
  for (const [rel, text] of files) writeFileSync(new URL(rel, root), text);
}

import { createColors } from 'picocolors';
import { ALL_RULE_META } from '../../rules/index.js';
import { ruleDocsUrl } from '../docs-url.js';
import { ruleExampleLink } from '../example-link.js';
import { presetOf } from '../engine/presets.js';
import type { RuleMeta } from '../engine/rule.js';

export function findRule(id: string): RuleMeta | undefined {
  return ALL_RULE_META.find((m) => m.id === id);
}

/** `migralint rules`: every rule with the preset that holds it, its severity there, and its fix kind. */
export function listRules(color: boolean): string {
  const c = createColors(color);
  const width = Math.max(...ALL_RULE_META.map((m) => m.id.length));
  const lines = ALL_RULE_META.map((m) => {
    const preset = presetOf(m).padEnd(11);
    const sev = m.defaultSeverity.padEnd(5);
    const fix = m.fix === 'safe' ? 'fix' : m.fix === 'suggestion' ? 'sugg' : m.fix === 'display-only' ? 'show' : '';
    return `${c.bold(m.id.padEnd(width))}  ${preset}  ${sev}  ${fix.padEnd(4)}  ${m.description}`;
  });
  return `${lines.join('\n')}\n\n${FIX_LEGEND}\n`;
}

/** What the fix column means, printed under `migralint rules`. */
export const FIX_LEGEND = [
  "fix:  a safe fix: plain --fix applies it where it keeps the migration's result identical apart from locking and timing",
  "      (CONCURRENTLY, NOT VALID + a separate VALIDATE, lock_timeout, the framework's transaction opt-out); where",
  '      migralint lacks knowledge (partitioning unknown, an unreadable statement in the same block, an unrecognised',
  '      runner) the same change is offered as a suggestion only.',
  'sugg: a suggestion: applied only with --fix-type suggestion, because it changes the resulting schema or behaviour;',
  '      type changes are display-only in ORM-generated migrations (Prisma, Drizzle, Atlas, Django, Alembic',
  '      autogenerate): the finding names the schema source to change. `migralint explain <rule>` says why, per rule.',
].join('\n');

/** `migralint explain <id>`: the rule's docs, in Ruff's section order. */
export function explainRule(meta: RuleMeta, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  out.push(c.bold(`${meta.id}`), `${meta.description}`, '');
  out.push(
    `preset: ${presetOf(meta)}   severity: ${meta.defaultSeverity}   fix: ${meta.fix}${meta.sizeAware ? '   size-aware: silent on new and small tables, an error on large ones' : ''}`,
    '',
  );
  out.push(c.bold('What it does'), meta.docs.what, '', c.bold('Why is this bad?'), meta.docs.why, '');
  for (const ex of meta.docs.invalid) {
    out.push(
      c.bold(`Example${ex.title ? `: ${ex.title}` : ''}`),
      ...ex.code
        .trimEnd()
        .split('\n')
        .map((l) => `    ${c.red(l)}`),
      '',
    );
    if (ex.fixed)
      out.push(
        '  after --fix:',
        ...ex.fixed
          .trimEnd()
          .split('\n')
          .map((l) => `    ${c.green(l)}`),
        '',
      );
  }
  for (const ex of meta.docs.valid)
    out.push(
      c.bold(`Use instead${ex.title ? `: ${ex.title}` : ''}`),
      ...ex.code
        .trimEnd()
        .split('\n')
        .map((l) => `    ${c.green(l)}`),
      '',
    );
  if (meta.docs.fixSafety) out.push(c.bold('Fix safety'), meta.docs.fixSafety, '');
  if (meta.docs.references.length) out.push(c.bold('References'), ...meta.docs.references.map((r) => `  ${r}`), '');
  out.push(`Documentation: ${ruleDocsUrl(meta.id)}`);
  const example = ruleExampleLink(meta);
  if (example) out.push(`Try it in the playground: ${example}`);
  out.push('');
  return `${out.join('\n')}`;
}

/**
 * Links from a rule's documentation to the playground: each invalid doc example opens there as it is linted on
 * the rule's page (same text, framework, server version and table sizes). Used by the rule pages, `migralint
 * explain` and the review comment.
 */
import type { DocExample, RuleMeta } from './engine/rule.js';
import { exampleState, playgroundUrl } from './playground-link.js';
import { detectFramework } from './sources/index.js';

/** The framework a doc example is linted as: from its file name and text alone, as the rule pages lint it. */
export function exampleFramework(ex: DocExample): string {
  return detectFramework(ex.filename ?? 'migration.sql', ex.code);
}

/** The playground link for one of a rule's examples. */
export function exampleLink(meta: Pick<RuleMeta, 'id' | 'defaultSeverity'>, ex: DocExample, base?: string): string {
  return playgroundUrl(exampleState(meta, ex, exampleFramework(ex)), base);
}

/** The playground link for a rule's first flagged example, or undefined for a rule without one. */
export function ruleExampleLink(meta: Pick<RuleMeta, 'id' | 'defaultSeverity' | 'docs'>, base?: string): string | undefined {
  const ex = meta.docs.invalid[0];
  return ex ? exampleLink(meta, ex, base) : undefined;
}

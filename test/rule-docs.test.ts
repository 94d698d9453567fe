import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { ALL_RULE_META, RULES } from '../rules/index.js';
import { fixText, lintText } from '../src/engine/lint-text.js';
import type { DocExample, Rule } from '../src/engine/rule.js';

function opts(ex: DocExample, _rule?: Rule) {
  // Examples run under the `all` preset unless they name one: a rule's examples show its whole scope.
  return { filename: ex.filename, tables: ex.tables, settings: { preset: ex.preset ?? 'all', ...(ex.pgVersion ? { pgVersion: ex.pgVersion } : {}) } };
}

// Doc examples are tests: every invalid example raises its rule, every valid one does not,
// and every fix is proven: it parses, the rule is clean afterwards, and the fixed text is what the docs say.
describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  it('has docs with invalid and valid examples and references', () => {
    expect(rule.meta.docs.what.length).toBeGreaterThan(20);
    expect(rule.meta.docs.why.length).toBeGreaterThan(20);
    expect(rule.meta.docs.invalid.length).toBeGreaterThan(0);
    expect(rule.meta.docs.valid.length).toBeGreaterThan(0);
    expect(rule.meta.docs.references.length).toBeGreaterThan(0);
    if (rule.meta.fix !== 'none') expect(rule.meta.docs.fixSafety).toBeTruthy();
  });

  it.each(rule.meta.docs.invalid.map((ex, i) => [i, ex] as const))('invalid example %i raises the rule', async (_i, ex) => {
    const result = await lintText(ex.code, opts(ex, rule));
    expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    expect(result.findings.map((f) => f.ruleId)).toContain(id);
    if (ex.fixed !== undefined) {
      // A rule whose fixes are suggestions documents what applying the suggestion gives.
      const types = rule.meta.fix === 'suggestion' ? (['suggestion'] as const) : (['fix'] as const);
      const fixed = await fixText(ex.code, { ...opts(ex, rule), rules: [id], types: [...types] });
      expect(fixed.rejected).toBeUndefined();
      expect(fixed.text).toBe(ex.fixed);
      const after = await lintText(fixed.text, opts(ex, rule));
      expect(after.findings.filter((f) => f.ruleId === id || f.ruleId === 'parse-error')).toEqual([]);
    }
  });

  it.each(rule.meta.docs.valid.map((ex, i) => [i, ex] as const))('valid example %i does not raise the rule', async (_i, ex) => {
    const result = await lintText(ex.code, opts(ex, rule));
    expect(result.findings.filter((f) => f.ruleId === id || f.ruleId === 'parse-error')).toEqual([]);
  });
});

describe('rule metadata', () => {
  it('every rule file is registered under its own id, and ids are unique', () => {
    const files = readdirSync(new URL('../rules/', import.meta.url))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'engine.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    const ids = ALL_RULE_META.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

});

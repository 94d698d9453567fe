import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ALL_RULE_META, RULES } from '../rules/index.js';
import { ruleFileIds, rulesIndex } from '../scripts/rules-index.js';
import { docExampleOptions, RuleTester } from './helpers/rule-tester.js';

// Doc examples are tests, run through the rule tester: every invalid example shows exactly its findings (one, or
// those its `findings` lists) and every valid one none; every fix is proven (it parses, the rule is clean afterwards)
// and the fixed text is what the docs say. Engine findings' examples are linted the same way.
const tester = new RuleTester();

describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (_id, rule) => {
  it('has docs with invalid and valid examples and references', () => {
    expect(rule.meta.docs.what.length).toBeGreaterThan(20);
    expect(rule.meta.docs.why.length).toBeGreaterThan(20);
    expect(rule.meta.docs.invalid.length).toBeGreaterThan(0);
    expect(rule.meta.docs.valid.length).toBeGreaterThan(0);
    expect(rule.meta.docs.references.length).toBeGreaterThan(0);
    if (rule.meta.fix !== 'none') expect(rule.meta.docs.fixSafety).toBeTruthy();
  });
});

const WITH_EXAMPLES = ALL_RULE_META.filter((m) => m.docs.invalid.length + m.docs.valid.length > 0);

describe.each(WITH_EXAMPLES.map((m) => [m.id, m] as const))('%s examples', (id, meta) => {
  it.each(meta.docs.invalid.map((ex, i) => [i, ex] as const))('invalid example %i shows exactly its findings', async (_i, ex) => {
    // A rule whose fixes are suggestions documents what applying the suggestion gives.
    const fixTypes = meta.fix === 'suggestion' ? (['suggestion'] as const) : (['fix'] as const);
    await tester.invalid(id, {
      ...docExampleOptions(ex),
      code: ex.code,
      errors: ex.findings ?? 1,
      ...(ex.fixed !== undefined ? { output: ex.fixed, fixTypes: [...fixTypes] } : {}),
    });
  });

  it.each(meta.docs.valid.map((ex, i) => [i, ex] as const))('valid example %i does not raise the rule', async (_i, ex) => {
    await tester.valid(id, { ...docExampleOptions(ex), code: ex.code });
  });
});

describe('rule metadata', () => {
  it('rules/index.ts registers every file in rules/ under its own id (run `npm run docs` after adding a rule), ids are unique', () => {
    expect(readFileSync(new URL('../rules/index.ts', import.meta.url), 'utf8')).toBe(rulesIndex());
    expect(RULES.map((r) => r.meta.id)).toEqual(ruleFileIds());
    const ids = ALL_RULE_META.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_RULE_IDS, RULES_BY_ID } from '../rules/index.js';
import { lintText, loadParsers } from '../src/engine/lint-text.js';
import { sortedFindings } from '../src/report/common.js';
import { compareRuleIds } from '../src/rule-order.js';

const ids = [...Object.keys(RULES_BY_ID), ...ENGINE_RULE_IDS];

beforeAll(loadParsers);
afterEach(() => vi.restoreAllMocks());

describe('report order of rule ids', () => {
  it('every rule id is written in the alphabet compareRuleIds orders as localeCompare does', () => {
    expect(ids.length).toBeGreaterThan(40);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
    // Each pair, both ways: the order the reports had when they sorted with localeCompare.
    for (const a of ids) for (const b of ids) expect(Math.sign(compareRuleIds(a, b)), `${a} / ${b}`).toBe(Math.sign(a.localeCompare(b)));
    // Where the two orders part (upper case, accents): not an alphabet rule ids use.
    expect(Math.sign(compareRuleIds('B', 'a'))).not.toBe(Math.sign('B'.localeCompare('a')));
  });

  it('a lint and its report order findings at one place by rule id without starting ICU collation (localeCompare)', async () => {
    const collate = vi.spyOn(String.prototype, 'localeCompare');
    // Two findings on the one statement: require-concurrent-index-creation and require-lock-timeout.
    const result = await lintText('CREATE INDEX idx_orders_created ON orders (created_at);\n', { severities: { 'require-lock-timeout': 'warn' } });
    const order = sortedFindings(result).map((f) => f.ruleId);
    expect(order).toEqual(['require-concurrent-index-creation', 'require-lock-timeout']);
    expect(result.findings.map((f) => f.ruleId)).toEqual(order);
    expect(collate).not.toHaveBeenCalled();
  });
});

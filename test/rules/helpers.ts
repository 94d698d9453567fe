import { fixText, lintText, type LintTextOptions } from '../../src/engine/lint-text.js';
import type { Finding } from '../../src/types.js';

/** The findings of one rule for a migration text (rules outside the default preset are switched on, at their full scope). */
export async function findingsOf(id: string, text: string, o: LintTextOptions = {}): Promise<Finding[]> {
  const result = await lintText(text, { ...o, settings: { preset: 'all', ...o.settings }, severities: { [id]: 'warn', ...o.severities } });
  const parseErrors = result.findings.filter((f) => f.ruleId === 'parse-error');
  if (parseErrors.length) throw new Error(`test input does not parse: ${parseErrors[0]!.message}`);
  return result.findings.filter((f) => f.ruleId === id);
}

/** The findings of one rule at its configured (default) severity. */
export async function defaultFindingsOf(id: string, text: string, o: LintTextOptions = {}): Promise<Finding[]> {
  const result = await lintText(text, o);
  return result.findings.filter((f) => f.ruleId === id);
}

/**
 * Applies one rule's fixes (or suggestions) and proves the result: nothing rejected, it parses, and the rule is
 * clean afterwards. Returns the fixed text for the exact assertion.
 */
export async function proveFix(id: string, text: string, o: LintTextOptions & { types?: Array<'fix' | 'suggestion'> } = {}): Promise<string> {
  const severities = { [id]: 'warn' as const, ...o.severities };
  const settings = { preset: 'all' as const, ...o.settings };
  const fixed = await fixText(text, { ...o, settings, severities, rules: [id] });
  if (fixed.rejected) throw new Error(fixed.rejected);
  if (fixed.text === text) throw new Error('nothing was fixed');
  const after = await lintText(fixed.text, { ...o, settings, severities });
  const left = after.findings.filter((f) => f.ruleId === id || f.ruleId === 'parse-error');
  if (left.length) throw new Error(`after the fix: ${left.map((f) => `${f.ruleId}: ${f.message}`).join('; ')}`);
  return fixed.text;
}

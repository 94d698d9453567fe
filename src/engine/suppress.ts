import type { LineIndex } from '../sql/text.js';
import type { Directive, Finding, SeverityName } from '../types.js';

const NEVER_SUPPRESSED = new Set(['unused-disable-directive', 'unknown-rule']);

/**
 * Drops findings that inline directives disable, and reports directives that name unknown rules or that
 * suppressed nothing. A directive with no rule names covers every rule.
 */
export function applySuppressions(
  findings: Finding[],
  directives: Directive[],
  lines: LineIndex,
  knownRules: Set<string>,
  severityOf: (ruleId: string) => SeverityName,
): Finding[] {
  if (directives.length === 0) return findings;
  const used = directives.map(() => new Set<string>());
  const kept: Finding[] = [];
  for (const f of findings) {
    let suppressed = false;
    if (!NEVER_SUPPRESSED.has(f.ruleId)) {
      directives.forEach((d, i) => {
        const names = d.rules.length ? d.rules : ['*'];
        const matches = d.rules.length === 0 || d.rules.includes(f.ruleId);
        if (!matches) return;
        const covers = d.kind === 'disable-file' || (f.loc.line >= d.targetLine && f.loc.line <= (d.targetEndLine ?? d.targetLine));
        if (!covers) return;
        suppressed = true;
        used[i]!.add(d.rules.length ? f.ruleId : names[0]!);
      });
    }
    if (!suppressed) kept.push(f);
  }
  const add = (ruleId: string, message: string, d: Directive): void => {
    const severity = severityOf(ruleId);
    if (severity === 'off') return;
    kept.push({ ruleId, severity, message, span: d.span, loc: lines.loc(d.span) });
  };
  directives.forEach((d, i) => {
    for (const name of d.rules) {
      if (!knownRules.has(name)) add('unknown-rule', `Unknown rule '${name}' in migralint-${d.kind} directive.`, d);
      else if (!used[i]!.has(name))
        add(
          'unused-disable-directive',
          `Unused migralint-${d.kind} directive (no '${name}' finding ${d.kind === 'disable-file' ? 'in this file' : `on line ${d.targetLine}`}).`,
          d,
        );
    }
    if (d.rules.length === 0 && used[i]!.size === 0) add('unused-disable-directive', `Unused migralint-${d.kind} directive (nothing to suppress).`, d);
  });
  return kept;
}

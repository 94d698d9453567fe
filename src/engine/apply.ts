import type { Edit, FileResult, Finding, Fix, SourceFile } from '../types.js';

export type FixType = 'fix' | 'suggestion';

/** Applies non-overlapping edits; edits are file offsets. Returns null if any two overlap. */
export function applyEdits(text: string, edits: Edit[]): string | null {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start < sorted[i - 1]!.end) return null;
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

function fixesOf(f: Finding, types: Set<FixType>, rules: Set<string> | undefined): Fix[] {
  if (rules && !rules.has(f.ruleId)) return [];
  const out: Fix[] = [];
  if (f.fix && types.has('fix')) out.push(f.fix);
  if (types.has('suggestion') && f.suggestions?.length) out.push(f.suggestions[0]!);
  return out;
}

export interface FixOutcome {
  /** The fixed text, or the input when nothing applied. */
  text: string;
  /** How many fixes were applied over all passes. */
  applied: number;
  /** The final lint result of the fixed text. */
  result: FileResult;
  /** Set when the fixed text would not parse: then nothing must be written. */
  rejected?: string;
}

/**
 * `--fix`: apply every fix whose edits do not overlap an already chosen one, re-lint, repeat to a fixed point
 * (at most 10 passes). The result is accepted only if it introduces no parse error.
 */
export function fixToFixedPoint(
  file: SourceFile,
  lint: (file: SourceFile) => FileResult,
  options: { types?: FixType[]; rules?: string[] } = {},
): FixOutcome {
  const types = new Set<FixType>(options.types ?? ['fix']);
  const rules = options.rules ? new Set(options.rules) : undefined;
  let current = file;
  let result = lint(file);
  const parseErrorsBefore = result.findings.filter((f) => f.ruleId === 'parse-error').length;
  let applied = 0;
  for (let pass = 0; pass < 10; pass++) {
    // As ESLint does: each fix occupies the range from its first to its last edit; fixes are taken in order of
    // that range and one that starts at or before the end of the last one taken waits for the next pass. The CLI
    // and the ESLint plugin so apply the same fixes in the same order.
    const candidates: Array<{ start: number; end: number; edits: Edit[] }> = [];
    for (const finding of result.findings) {
      const fix = fixesOf(finding, types, rules)[0];
      if (!fix || fix.edits.length === 0) continue;
      candidates.push({ start: Math.min(...fix.edits.map((e) => e.start)), end: Math.max(...fix.edits.map((e) => e.end)), edits: fix.edits });
    }
    candidates.sort((a, b) => a.start - b.start || a.end - b.end);
    const chosen: Edit[] = [];
    let lastEnd = -Infinity;
    let count = 0;
    for (const c of candidates) {
      if (c.start <= lastEnd) continue;
      chosen.push(...c.edits);
      lastEnd = c.end;
      count++;
    }
    if (count === 0) break;
    const next = applyEdits(current.text, chosen);
    if (next === null || next === current.text) break;
    current = { ...current, text: next };
    result = lint(current);
    applied += count;
  }
  const parseErrorsAfter = result.findings.filter((f) => f.ruleId === 'parse-error').length;
  if (parseErrorsAfter > parseErrorsBefore) {
    return { text: file.text, applied: 0, result: lint(file), rejected: 'the fixed migration would not parse; nothing was written' };
  }
  return { text: current.text, applied, result };
}

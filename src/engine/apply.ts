import type { Edit, FileResult, FileWrite, Finding, Fix, SourceFile } from '../types.js';

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
  /** Other files the applied fixes write (a framework's metadata beside the migration), final contents. */
  files: FileWrite[];
  /** Set when the fixed text would not parse: then nothing must be written. */
  rejected?: string;
}

/** Reads a file as the fixes so far would leave it: their pending writes, else undefined (read the disk). */
export type PendingReader = (path: string) => string | undefined;

/**
 * `--fix`: apply every fix whose edits do not overlap an already chosen one, re-lint, repeat to a fixed point
 * (at most 10 passes). The result is accepted only if it introduces no parse error. `lint` is given a reader of
 * the other files the fixes write so far, so an adapter that reads a sibling file sees the fixed one.
 */
export function fixToFixedPoint(
  file: SourceFile,
  lint: (file: SourceFile, readPending: PendingReader) => FileResult,
  options: { types?: FixType[]; rules?: string[] } = {},
): FixOutcome {
  const types = new Set<FixType>(options.types ?? ['fix']);
  const rules = options.rules ? new Set(options.rules) : undefined;
  const pending = new Map<string, string>();
  const readPending: PendingReader = (p) => pending.get(p);
  let current = file;
  let result = lint(file, readPending);
  // The parse guard counts what the parsers report, not findings: no rule setting or suppression switches it off.
  const parseErrorsBefore = result.syntaxErrors ?? 0;
  let applied = 0;
  for (let pass = 0; pass < 10; pass++) {
    // As ESLint does: each fix occupies the range from its first to its last edit; fixes are taken in order of
    // that range and one that starts at or before the end of the last one taken waits for the next pass. The CLI
    // and the ESLint plugin so apply the same fixes in the same order. A fix that only writes another file takes
    // no range; two fixes writing the same other file in one pass: the first wins.
    const candidates: Array<{ start: number; end: number; edits: Edit[]; files: FileWrite[] }> = [];
    for (const finding of result.findings) {
      const fix = fixesOf(finding, types, rules)[0];
      if (!fix || (fix.edits.length === 0 && !fix.files?.length)) continue;
      const starts = fix.edits.map((e) => e.start);
      const ends = fix.edits.map((e) => e.end);
      candidates.push({
        start: starts.length ? Math.min(...starts) : Infinity,
        end: ends.length ? Math.max(...ends) : Infinity,
        edits: fix.edits,
        files: fix.files ?? [],
      });
    }
    candidates.sort((a, b) => a.start - b.start || a.end - b.end);
    const chosen: Edit[] = [];
    const written = new Map<string, string>();
    let lastEnd = -Infinity;
    let count = 0;
    for (const c of candidates) {
      if (c.edits.length && c.start <= lastEnd) continue;
      if (c.files.some((f) => written.has(f.path))) continue;
      chosen.push(...c.edits);
      for (const f of c.files) written.set(f.path, f.text);
      if (c.edits.length) lastEnd = c.end;
      count++;
    }
    if (count === 0) break;
    const next = applyEdits(current.text, chosen);
    const filesChanged = [...written].some(([p, t]) => pending.get(p) !== t);
    if (next === null || (next === current.text && !filesChanged)) break;
    for (const [p, t] of written) pending.set(p, t);
    current = { ...current, text: next };
    result = lint(current, readPending);
    applied += count;
  }
  const parseErrorsAfter = result.syntaxErrors ?? 0;
  if (parseErrorsAfter > parseErrorsBefore) {
    return {
      text: file.text,
      applied: 0,
      result: lint(file, () => undefined),
      files: [],
      rejected: 'the fixed migration would not parse; nothing was written',
    };
  }
  return { text: current.text, applied, result, files: [...pending].map(([path, text]) => ({ path, text })) };
}

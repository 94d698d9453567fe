import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { ENGINE_RULES } from '../rules/engine.js';
import { RULES } from '../rules/index.js';
import type { FixType } from '../src/engine/apply.js';
import { fixText, lintText } from '../src/engine/lint-text.js';
import type { PresetName } from '../src/engine/presets.js';

/**
 * fixtures/rules/<rule-id>/ holds migrations written the way projects write them, and an expected.json:
 *   { "<file>": { "tables"?: {...config tables...}, "findings": [[line, column, "rule-id"], ...],
 *                 "fixed"?: "<file>.fixed.sql", "fixTypes"?: ["suggestion"] } }
 * `findings` is every finding of the folder's rule in that file, exactly (1-based lines, UTF-16 columns).
 * With `fixed`, the rule's fixes (or, with fixTypes, its suggestions) are applied to a fixed point and the result
 * must be that file byte for byte, must parse, and must be clean for the rule.
 */
interface Expectation {
  tables?: Record<string, { rows?: number; bytes?: number; partitioned?: boolean }>;
  findings: Array<[number, number, string]>;
  fixed?: string;
  fixTypes?: FixType[];
  /** The preset the file is linted under; default `all`, so a rule's fixtures show its whole scope. */
  preset?: PresetName;
  /** The target PostgreSQL major version (--pg-version); default the linter's. */
  pgVersion?: number;
}

const ROOT = new URL('../fixtures/rules/', import.meta.url);
const folders = readdirSync(ROOT).filter((d) => statSync(new URL(`${d}/`, ROOT)).isDirectory()).sort();

function read(folder: string, file: string): string {
  // readFileSync keeps a BOM as U+FEFF: lintText and fixText get the file exactly as it is on disk.
  return readFileSync(new URL(`${folder}/${file}`, ROOT), 'utf8');
}

function expectations(folder: string): Record<string, Expectation> {
  return JSON.parse(read(folder, 'expected.json')) as Record<string, Expectation>;
}

/** Rules and engine findings that must have fixtures: every rule, and every engine finding with documented examples. */
const COVERED = [...RULES.map((r) => r.meta.id), ...ENGINE_RULES.filter((m) => m.docs.invalid.length > 0).map((m) => m.id)];

describe('rule fixtures exist', () => {
  it.each(COVERED)('%s has a fixture folder with a flagged and a clean migration', (id) => {
    expect(folders).toContain(id);
    const files = Object.values(expectations(id));
    expect(files.filter((e) => e.findings.length > 0).length).toBeGreaterThan(0);
    expect(files.filter((e) => e.findings.length === 0).length).toBeGreaterThan(0);
  });

  it.each(folders)('%s: every migration in the folder is listed, every listed file exists', (folder) => {
    expect(COVERED).toContain(folder);
    const expected = expectations(folder);
    const fixedFiles = Object.values(expected).flatMap((e) => (e.fixed ? [e.fixed] : []));
    const sql = readdirSync(new URL(`${folder}/`, ROOT)).filter((f) => f.endsWith('.sql'));
    expect(sql.filter((f) => !f.endsWith('.fixed.sql')).sort()).toEqual(Object.keys(expected).sort());
    expect(sql.filter((f) => f.endsWith('.fixed.sql')).sort()).toEqual([...fixedFiles].sort());
    for (const f of fixedFiles) expect(existsSync(new URL(`${folder}/${f}`, ROOT))).toBe(true);
  });
});

describe.each(folders)('%s', (rule) => {
  const cases = Object.entries(expectations(rule));

  it.each(cases)('%s', async (file, exp) => {
    const text = read(rule, file);
    const settings = { preset: exp.preset ?? 'all', ...(exp.pgVersion ? { pgVersion: exp.pgVersion } : {}) };
    const result = await lintText(text, { filename: file, tables: exp.tables, settings });
    if (rule !== 'parse-error') expect(result.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    const found = result.findings.filter((f) => f.ruleId === rule).map((f) => [f.loc.line, f.loc.column, f.ruleId]);
    expect(found).toEqual(exp.findings);

    if (exp.fixed === undefined) return;
    const outcome = await fixText(text, { filename: file, tables: exp.tables, settings, rules: [rule], types: exp.fixTypes });
    expect(outcome.rejected).toBeUndefined();
    expect(outcome.applied).toBeGreaterThan(0);
    expect(outcome.text).toBe(read(rule, exp.fixed));
    const after = await lintText(outcome.text, { filename: file, tables: exp.tables, settings });
    expect(after.findings.filter((f) => f.ruleId === 'parse-error' || f.ruleId === rule)).toEqual([]);
  });
});

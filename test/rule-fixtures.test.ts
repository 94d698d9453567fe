import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { ENGINE_RULES } from '../rules/engine.js';
import { RULES } from '../rules/index.js';
import type { FixType } from '../src/engine/apply.js';
import type { PresetName } from '../src/engine/presets.js';
import { RuleTester, type ExpectedFinding } from './helpers/rule-tester.js';

/**
 * fixtures/rules/<rule-id>/ holds migrations written the way projects write them (SQL, or a framework's Python or
 * JS/TS), and an expected.json:
 *   { "<file>": { "filename"?: "alembic/versions/<file>", "tables"?: {...config tables...},
 *                 "findings": [[line, column, "rule-id", "messageId"], ...],
 *                 "fixed"?: "<file>.fixed.sql", "fixTypes"?: ["suggestion"] } }
 * `findings` is every finding of the folder's rule in that file, exactly (1-based lines, UTF-16 columns, and the
 * rule's message id; engine findings have none). `filename` is the path the file is linted as, when its framework
 * is known from its path. Each file is a case of the rule tester: with `fixed`, the rule's fixes (or, with
 * fixTypes, its suggestions) are applied to a fixed point and the result must be that file byte for byte, parse
 * (as SQL and in its host language), and be clean for the rule.
 */
interface Expectation {
  filename?: string;
  tables?: Record<string, { rows?: number; bytes?: number; partitioned?: boolean }>;
  findings: Array<[number, number, string] | [number, number, string, string]>;
  fixed?: string;
  fixTypes?: FixType[];
  /** The preset the file is linted under; default `all`, so a rule's fixtures show its whole scope. */
  preset?: PresetName;
  /** The target PostgreSQL major version (--pg-version); default the linter's. */
  pgVersion?: number;
}

const ROOT = new URL('../fixtures/rules/', import.meta.url);
const folders = readdirSync(ROOT)
  .filter((d) => statSync(new URL(`${d}/`, ROOT)).isDirectory())
  .sort();
const ENGINE_IDS = new Set(ENGINE_RULES.map((m) => m.id));
const tester = new RuleTester();

function read(folder: string, file: string): string {
  // readFileSync keeps a BOM as U+FEFF: the tester lints and fixes the file exactly as it is on disk.
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

  it.each(folders)('%s: every migration in the folder is listed, every listed file exists, findings name their message', (folder) => {
    expect(COVERED).toContain(folder);
    const expected = expectations(folder);
    const fixedFiles = Object.values(expected).flatMap((e) => (e.fixed ? [e.fixed] : []));
    const files = readdirSync(new URL(`${folder}/`, ROOT)).filter((f) => f !== 'expected.json');
    expect(files.filter((f) => !fixedFiles.includes(f)).sort()).toEqual(Object.keys(expected).sort());
    expect(files.filter((f) => fixedFiles.includes(f)).sort()).toEqual([...new Set(fixedFiles)].sort());
    // Rule findings pin their message id; engine findings have none.
    for (const e of Object.values(expected))
      for (const f of e.findings) expect(f.length, `${folder}: ${JSON.stringify(f)}`).toBe(ENGINE_IDS.has(folder) ? 3 : 4);
  });
});

describe.each(folders)('%s', (rule) => {
  const cases = Object.entries(expectations(rule));

  it.each(cases)('%s', async (file, exp) => {
    const errors: ExpectedFinding[] = exp.findings.map(([line, column, ruleId, messageId]) => {
      expect(ruleId).toBe(rule);
      return { line, column, ...(messageId ? { messageId } : {}) };
    });
    await tester.invalid(rule, {
      code: read(rule, file),
      filename: exp.filename ?? file,
      tables: exp.tables,
      settings: { preset: exp.preset ?? 'all', ...(exp.pgVersion ? { pgVersion: exp.pgVersion } : {}) },
      errors,
      fixTypes: exp.fixTypes,
      ...(exp.fixed !== undefined ? { output: read(rule, exp.fixed) } : {}),
    });
  });
});

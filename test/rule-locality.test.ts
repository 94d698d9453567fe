/**
 * Rules hold no cross-statement state: every fact that depends on other statements (what came before, what the
 * transaction holds, what the whole migration declares) is computed once by the analysis, and a rule reads a
 * statement's facts and reports. So running a rule over the whole unit must give exactly what running it over each
 * statement alone gives, the facts being the same. Checked on every doc example and every rule fixture, with
 * real parsing and the real analysis. The few rules that still read other statements are named below with the
 * reason; the test fails if one of them no longer needs to be there, so the list only shrinks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES_BY_ID } from '../rules/index.js';
import { analyzeUnit } from '../src/analysis/analyze.js';
import { Catalog } from '../src/catalog/catalog.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { Fixer } from '../src/engine/fixer.js';
import type { Report, Rule, RuleContext } from '../src/engine/rule.js';
import { loadParsers } from '../src/engine/lint-text.js';
import { parseUnit } from '../src/sql/statements.js';
import { adapterFor, detectFramework } from '../src/sources/index.js';
import { memoryFileSystem } from '../src/fs.js';
import type { AnalyzedStatement, LintSettings } from '../src/types.js';

/** Rules that still read other statements of the unit, and why. */
const READS_OTHER_STATEMENTS: Record<string, string> = {
  'require-lock-timeout': 'one finding per file for all the statements without a lock_timeout, and one SET at the top fixes them all',
  'require-statement-timeout': 'one finding per file, as require-lock-timeout',
};

interface Case {
  name: string;
  path: string;
  text: string;
  settings: LintSettings;
  tables?: Record<string, { rows?: number; bytes?: number; partitioned?: boolean }>;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const rule of Object.values(RULES_BY_ID)) {
    const docs = rule.meta.docs;
    for (const [kind, list] of [
      ['invalid', docs.invalid],
      ['valid', docs.valid],
    ] as const) {
      (list ?? []).forEach((e, i) =>
        out.push({
          name: `${rule.meta.id} ${kind} #${i + 1}`,
          path: e.filename ?? 'migration.sql',
          text: e.code,
          settings: { ...DEFAULT_SETTINGS, preset: e.preset ?? 'all', ...(e.pgVersion ? { pgVersion: e.pgVersion } : {}) },
          tables: e.tables,
        }),
      );
    }
  }
  const root = path.join(import.meta.dirname, '..', 'fixtures', 'rules');
  for (const dir of readdirSync(root)) {
    for (const f of readdirSync(path.join(root, dir))) {
      if (!f.endsWith('.sql') || f.endsWith('.fixed.sql')) continue;
      out.push({
        name: `fixtures/rules/${dir}/${f}`,
        path: f,
        text: readFileSync(path.join(root, dir, f), 'utf8'),
        settings: { ...DEFAULT_SETTINGS, preset: 'all' },
      });
    }
  }
  return out;
}

/** What a rule reports, as comparable keys: statement, message id, data, help. */
function run(rule: Rule, base: Omit<RuleContext, 'statements' | 'report'>, statements: AnalyzedStatement[]): string[] {
  const found: string[] = [];
  const report = (r: Report) => found.push(JSON.stringify([r.statement?.index, r.messageId, r.data ?? null, r.help ?? null]));
  rule.check({ ...base, statements, report });
  return found;
}

describe('rules hold no cross-statement state', () => {
  it('module scope: no mutable state in a rule module', () => {
    const dir = path.join(import.meta.dirname, '..', 'rules');
    const offenders: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(
        /^(?:export\s+)?(?:let|var)\s+\w+|^(?:export\s+)?const\s+\w+\s*(?::[^=]+)?=\s*new\s+(?:Weak)?(?:Map|Set)\b(?:<.*>)?\(\s*\)/gm,
      )) {
        offenders.push(`${f}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('rules take from the analysis only its vocabulary, never its readers (a fact is computed once, where it is proved)', () => {
    // The lock modes' order and words, and the words for a body's transaction; not the lock table, the volatility
    // test or the schema model, which a rule would use to compute a fact again.
    const vocabulary = new Set(['LOCK_STRENGTH', 'LOCK_CONFLICTS', 'lockLabel', 'lockBlocks', 'conflicts', 'bodyReason', 'binaryCoercible']);
    const dir = path.join(import.meta.dirname, '..', 'rules');
    const offenders: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/^import\s+\{([^}]*)\}\s+from\s+'\.\.\/src\/(?:analysis|project)\/[^']+'/gm)) {
        // Types are words too (`type StatementEffect`); values are what would compute a fact again.
        for (const name of m[1]!
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x && !x.startsWith('type '))) {
          if (!vocabulary.has(name)) offenders.push(`${f}: ${name}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('each rule finds on the whole unit exactly what it finds statement by statement', async () => {
    await loadParsers();
    const all = cases();
    expect(all.length).toBeGreaterThan(150);
    const local = new Map<string, string[]>();
    for (const c of all) {
      const fs = memoryFileSystem({});
      const framework = detectFramework(c.path, c.text, fs);
      const adapter = adapterFor(framework);
      const unit = adapter.extract({ path: c.path, text: c.text, bom: false }, { settings: c.settings, warn: () => {}, fs });
      const catalog = new Catalog();
      catalog.addConfig(c.tables, undefined);
      const statements = analyzeUnit(unit, parseUnit(unit).statements, catalog, c.settings);
      const base = { unit, framework, frameworkName: adapter.name, settings: c.settings, catalog, fixer: new Fixer(unit, statements, adapter, fs) };
      for (const rule of Object.values(RULES_BY_ID)) {
        const whole = run(rule, base, statements).sort();
        const one = statements.flatMap((s) => run(rule, base, [s])).sort();
        if (JSON.stringify(whole) !== JSON.stringify(one)) local.set(rule.meta.id, [...(local.get(rule.meta.id) ?? []), c.name]);
      }
    }
    const unexpected = [...local].filter(([id]) => !(id in READS_OTHER_STATEMENTS));
    expect(unexpected).toEqual([]);
    // A rule named above that no example shows reading other statements has been fixed: take it off the list.
    expect(Object.keys(READS_OTHER_STATEMENTS).filter((id) => !local.has(id))).toEqual([]);
  });
});

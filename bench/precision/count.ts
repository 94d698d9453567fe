/**
 * Default findings per 1,000 statements on real projects' migration histories, and a seeded sample of findings
 * to judge by hand (bench/precision/sample.md records the verdicts).
 *
 *   node --import tsx bench/precision/count.ts [--preset recommended] [--sample 120] [--seed 12] [--dump FILE] DIR...
 *
 * Each DIR is one project's migrations (e.g. /work/corpus/<owner+repo>, paths as in the repository). Findings come
 * from the built CLI with default settings (`bin/migralint.js DIR -f json`), as a user gets them; statements are the
 * report's `coverage.statements` (what the linter read from each file, with the project's history: a Django
 * AlterField or RemoveField is SQL only once the model state before it is known), or, from a CLI without coverage,
 * the statements the file's extractor gives alone. Warnings and errors count as findings; info does not
 * (it is listed apart).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { loadParsers } from '../../src/engine/lint-text.js';
import { adapterFor } from '../../src/sources/index.js';
import { parseUnit } from '../../src/sql/statements.js';
import type { FrameworkId } from '../../src/types.js';

interface Message {
  ruleId: string;
  severity: number;
  message: string;
  line: number;
}
interface Result {
  filePath: string;
  framework?: FrameworkId;
  messages: Message[];
  coverage?: { statements: number };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const preset = opt('preset', 'recommended');
const sampleSize = Number(opt('sample', '0'));
/** Every finding (warnings and errors), one JSON object per line: to check a judged sample against a later run, or to draw one with sample.ts. */
const dumpFile = opt('dump', '');
let seed = Number(opt('seed', '12'));
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

function statementsIn(file: string, framework: FrameworkId): number {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const unit = adapterFor(framework).extract({ path: file, text, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => {} });
  return parseUnit(unit).statements.length;
}

await loadParsers();
const configFile = path.join(os.tmpdir(), `migralint-precision-${preset}.json`);
writeFileSync(configFile, JSON.stringify({ preset }));
let totalStatements = 0;
let totalFindings = 0;
const all: Array<Message & { project: string; file: string; framework: string }> = [];
for (const dir of args) {
  const project = path.basename(dir);
  const out = spawnSync(process.execPath, [path.join(root, 'bin/migralint.js'), dir, '-f', 'json', '--no-color', '--config', configFile], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const results = JSON.parse(out.stdout) as Result[];
  let statements = 0;
  let findings = 0;
  let info = 0;
  const byRule: Record<string, number> = {};
  for (const r of results) {
    if (r.coverage) statements += r.coverage.statements;
    else if (r.framework) statements += statementsIn(r.filePath, r.framework);
    for (const m of r.messages) {
      if (m.severity === 0) {
        info++;
        continue;
      }
      findings++;
      byRule[m.ruleId] = (byRule[m.ruleId] ?? 0) + 1;
      all.push({ ...m, project, file: path.relative(dir, r.filePath), framework: r.framework ?? '?' });
    }
  }
  totalStatements += statements;
  totalFindings += findings;
  const top = Object.entries(byRule)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  console.log(
    `${project}: files=${results.length} statements=${statements} findings=${findings} info=${info} per1000=${statements ? Math.round((findings * 1000) / statements) : 0}\n   ${top}`,
  );
}
console.log(
  `TOTAL statements=${totalStatements} findings=${totalFindings} per1000=${totalStatements ? Math.round((totalFindings * 1000) / totalStatements) : 0}`,
);

if (dumpFile)
  writeFileSync(
    dumpFile,
    all
      .map((f) =>
        JSON.stringify({ project: f.project, framework: f.framework, file: f.file, line: f.line, rule: f.ruleId, severity: f.severity, message: f.message }),
      )
      .join('\n') + '\n',
  );
if (sampleSize > 0) {
  // Stratified: round-robin over rules, a random finding of each, so rare rules are judged too.
  const byRule = new Map<string, typeof all>();
  for (const f of all) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const picked: typeof all = [];
  while (picked.length < sampleSize && [...byRule.values()].some((l) => l.length)) {
    for (const list of byRule.values()) {
      if (!list.length || picked.length >= sampleSize) continue;
      picked.push(list.splice(rand(list.length), 1)[0]!);
    }
  }
  console.log('\nSAMPLE');
  for (const f of picked)
    console.log(JSON.stringify({ project: f.project, file: f.file, line: f.line, rule: f.ruleId, severity: f.severity, message: f.message }));
}

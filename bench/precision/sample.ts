/**
 * Draw a reproducible, stratified sample of default findings to judge by hand (bench/precision/sample.md: Sample 4
 * with --seed 4, Sample 5 with --seed 5, both --size 110 --per-rule 2).
 *
 *   node --import tsx bench/precision/count.ts --dump /tmp/all.jsonl /work/corpus/*+*\/
 *   node --import tsx bench/precision/sample.ts --seed 4 --size 110 --per-rule 2 /tmp/all.jsonl
 *
 * The dump holds every warning and error of the default preset, one JSON object per line (project, framework, file,
 * line, rule, severity, message). The draw, with a fixed seed:
 *   1. every rule with findings: `--per-rule` random findings of it (all of them if it has fewer);
 *   2. every framework with findings not yet drawn: one random finding of it (`--per-framework 0`: none);
 *   3. the rest of `--size`: a simple random draw from the findings left, so the common rules weigh as they do in the
 *      output a user reads.
 * Findings are sorted before the draw, so the order a run printed them in does not change the sample.
 * `--per-rule 0 --per-framework 0` gives a plain random (proportional) sample (Sample 9: --seed 9 --size 120).
 * The sample is printed as JSON lines in the order drawn, with its stratum (rule / framework / random).
 */
import { readFileSync } from 'node:fs';

interface Finding {
  project: string;
  framework: string;
  file: string;
  line: number;
  rule: string;
  severity: number;
  message: string;
}

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
let seed = Number(opt('seed', '4'));
const size = Number(opt('size', '110'));
const perRule = Number(opt('per-rule', '2'));
const perFramework = Number(opt('per-framework', '1'));
const file = args[0];
if (!file) {
  console.error('usage: sample.ts [--seed N] [--size N] [--per-rule N] [--per-framework 0|1] DUMP.jsonl');
  process.exit(2);
}
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

const key = (f: Finding) => [f.project, f.file, String(f.line).padStart(6, '0'), f.rule, f.message].join('\u0000');
const left: Finding[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Finding)
  .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const picked: Array<Finding & { stratum: string }> = [];
function take(pool: (f: Finding) => boolean, stratum: string): boolean {
  const idx = left.flatMap((f, i) => (pool(f) ? [i] : []));
  if (!idx.length) return false;
  const [f] = left.splice(idx[rand(idx.length)]!, 1);
  picked.push({ ...f!, stratum });
  return true;
}

const rules = [...new Set(left.map((f) => f.rule))].sort();
for (const rule of rules) for (let i = 0; i < perRule; i++) take((f) => f.rule === rule, `rule:${rule}`);
const frameworks = [...new Set(left.map((f) => f.framework))].sort();
if (perFramework > 0) for (const fw of frameworks) if (!picked.some((p) => p.framework === fw)) take((f) => f.framework === fw, `framework:${fw}`);
while (picked.length < size && take(() => true, 'random'));

const total = left.length + picked.length;
console.error(`${total} findings, ${rules.length} rules, ${frameworks.length} frameworks; drew ${picked.length}`);
for (const p of picked) console.log(JSON.stringify(p));

// The fix proof (issue 11): for every framework fixture history, run plain `migralint --fix` (the built binary) on
// a copy, then apply the original and the fixed history to fresh databases of a real PostgreSQL, in the
// framework's transaction structure, and compare: what applied before still applies, the final catalogs are
// identical, and no fixed file takes a stronger lock on any relation than the original did.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../src/cli/discover.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { compareHistories, orderHistory, planUnit, unitOf, type ExecutablePlan } from '../src/trace/execute.js';
import { proofServer } from './helpers/framework-proof.js';

/** A file's text, or undefined when there is none. */
function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'migralint.js');
const HISTORIES = [
  ...readdirSync(path.join(root, 'fixtures', 'frameworks')).map((d) => path.join('fixtures', 'frameworks', d)),
  ...readdirSync(path.join(root, 'fixtures', 'fix-proof')).map((d) => path.join('fixtures', 'fix-proof', d)),
];

async function plansOf(dir: string): Promise<{ plans: ExecutablePlan[]; texts: Map<string, string> }> {
  const found = await discover(['.'], dir);
  const files = found.files.map((f) => ({ path: f, text: readFileSync(path.resolve(dir, f), 'utf8').replace(/^\ufeff/, '') }));
  const ordered = orderHistory(files, dir, readIfThere);
  const plans = ordered.map((f) => planUnit(unitOf({ path: path.resolve(dir, f.path), text: f.text, bom: false }, DEFAULT_SETTINGS)));
  // Report files by their path inside the history, the same for both copies.
  for (const p of plans) p.file = path.relative(dir, p.file);
  return { plans, texts: new Map(ordered.map((f) => [f.path, f.text])) };
}

const { connect, admin } = proofServer();

let changedFiles = 0;
let appliedFiles = 0;

// Each history in a copy of its own (its own folder and config, as a project), all fixed by one `migralint --fix`
// over every copy: the same rewrites as one run per history (each file's config, framework and history are its own
// project's), at one CLI start-up instead of one per history.
const copies = new Map<string, string>();
let fixRun: { stderr: string };

beforeAll(async () => {
  for (const history of HISTORIES) {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'migralint-proof-'));
    cpSync(path.join(root, history), copy, { recursive: true });
    copies.set(history, copy);
  }
  fixRun = await new Promise((resolve) =>
    execFile(
      process.execPath,
      [bin, '--fix', ...copies.values()],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } },
      (_error, _stdout, stderr) => resolve({ stderr }),
    ),
  );
}, 120_000);

describe.each(HISTORIES)('%s', (history) => {
  it('--fix keeps the history applying, the schema identical and the locks no stronger', async () => {
    const copy = copies.get(history)!;
    expect(fixRun.stderr).not.toMatch(/\n\s+at /);
    const original = await plansOf(path.join(root, history));
    const fixed = await plansOf(copy);
    expect(fixed.plans.map((p) => p.file)).toEqual(original.plans.map((p) => p.file));
    for (const [f, text] of fixed.texts) if (text !== original.texts.get(f)) changedFiles++;

    const name = history.replace(/\W+/g, '_').toLowerCase();
    const result = await compareHistories(connect, admin(), name, original.plans, fixed.plans);
    appliedFiles += result.original.filter((x) => x.status === 'applied').length;
    expect({ broken: result.broken, schemaDiff: result.schemaDiff, strongerLocks: result.strongerLocks }).toEqual({
      broken: [],
      schemaDiff: [],
      strongerLocks: [],
    });
    // Files the fix left runnable stay runnable: --fix never turns readable SQL into something the harness skips.
    for (const [i, plan] of original.plans.entries()) if (!plan.notRunnable) expect(fixed.plans[i]!.notRunnable, plan.file).toBeUndefined();
  }, 120_000);
});

describe('the proof is not vacuous', () => {
  it('fixes were applied, and most migrations ran', () => {
    expect(changedFiles).toBeGreaterThan(5);
    expect(appliedFiles).toBeGreaterThan(30);
  });
});

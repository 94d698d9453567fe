// Fix proof on real projects (not part of npm test): copies each project's migrations, runs plain
// `migralint --fix` (the built binary) on the copy, applies the original and the fixed history to fresh
// databases of an embedded PostgreSQL in the framework's transaction structure, and prints, per project:
// files, files changed by --fix, files that applied before / after, files broken, files repaired, schema
// differences and stronger locks.
//   node --import tsx bench/fix-proof.ts /work/corpus/owner+repo[:subdir] …
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { discover } from '../src/cli/discover.js';
import { loadParsers } from '../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../src/engine/lint.js';
import { detectFramework } from '../src/sources/index.js';
import { compareHistories, orderHistory, planUnit, unitOf } from '../src/trace/execute.js';
import { startPostgres } from '../test/helpers/postgres.js';

/** A file's text, or undefined when there is none. */
function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

const bin = path.resolve(import.meta.dirname, '..', 'bin', 'migralint.js');

async function plansOf(dir: string) {
  const found = await discover(['.'], dir);
  const files = found.files.map((f) => ({ path: f, text: readFileSync(path.resolve(dir, f), 'utf8').replace(/^\ufeff/, '') }));
  const frameworks = files.map((f) => detectFramework(path.resolve(dir, f.path), f.text));
  const ordered = orderHistory(files, dir, readIfThere);
  const plans = ordered.map((f) => planUnit(unitOf({ path: path.resolve(dir, f.path), text: f.text, bom: false }, DEFAULT_SETTINGS)));
  for (const p of plans) p.file = path.relative(dir, p.file);
  return { plans, texts: new Map(ordered.map((f) => [f.path, f.text])), framework: frameworks[0] };
}

await loadParsers();
const server = await startPostgres(18, { own: true });
const connect = async (database: string) => {
  const c = new pg.Client({ connectionString: server.url(database) });
  await c.connect();
  await c.query("SET client_min_messages = 'error'");
  return c;
};
const admin = await connect('postgres');
try {
  for (const arg of process.argv.slice(2)) {
    const [project, sub = '.'] = arg.split(':');
    const src = path.resolve(project!, sub);
    const copy = mkdtempSync(path.join(os.tmpdir(), 'migralint-proof-'));
    cpSync(src, copy, { recursive: true });
    const r = spawnSync(process.execPath, [bin, '--fix', '--format', 'compact', '.'], { cwd: copy, encoding: 'utf8', maxBuffer: 1 << 28 });
    const summary =
      (r.stderr + r.stdout)
        .split('\n')
        .filter((l) => /fixed \d+ problems? in \d+ files?/.test(l))
        .pop() ?? '(no summary)';
    const original = await plansOf(src);
    const fixed = await plansOf(copy);
    const changed = [...fixed.texts].filter(([f, t]) => original.texts.get(f) !== t).length;
    const name = path.basename(project!).replace(/\W+/g, '_').toLowerCase();
    const c = await compareHistories(connect, admin, name, original.plans, fixed.plans);
    const count = (runs: typeof c.original, s: string) => runs.filter((x) => x.status === s).length;
    console.log(
      JSON.stringify({
        project: `${path.basename(project!)}${sub === '.' ? '' : `/${sub}`}`,
        framework: original.framework,
        files: original.plans.length,
        changedByFix: changed,
        cli: summary.replace(/^migralint: /, ''),
        appliedBefore: count(c.original, 'applied'),
        failedBefore: count(c.original, 'failed'),
        skipped: count(c.original, 'skipped'),
        appliedAfter: count(c.fixed, 'applied'),
        broken: c.broken,
        repaired: c.repaired.length,
        schemaDiff: c.schemaDiff.length,
        schemaDiffSample: c.schemaDiff.slice(0, 5),
        strongerLocks: c.strongerLocks,
      }),
    );
  }
} finally {
  await admin.end();
  await server.stop();
}

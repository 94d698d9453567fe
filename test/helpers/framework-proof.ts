/**
 * What the fix proofs on PostgreSQL (test/fix-proof.pg.test.ts and test/frameworks/*.pg.test.ts) share: one server per test file,
 * the fixture's history planned in its framework's order and transaction structure, and the fixes applied to a copy
 * of the fixture, each rewritten file re-parsed with its host grammar. Each test keeps its own expectations.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { discover } from '../../src/cli/discover.js';
import { fixText, loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { orderHistory, planUnit, unitOf, type ExecutablePlan } from '../../src/trace/execute.js';
import { startPostgres, type TestPostgres } from './postgres.js';

/** A file's text, or undefined when there is none. */
function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Starts a PostgreSQL for the test file (before its tests, stopped after them). */
export function proofServer(): { connect: (database: string) => Promise<pg.Client>; admin: () => pg.Client } {
  let server: TestPostgres;
  let admin: pg.Client;
  const connect = async (database: string) => {
    const c = new pg.Client({ connectionString: server.url(database) });
    await c.connect();
    await c.query("SET client_min_messages = 'error'");
    return c;
  };
  beforeAll(async () => {
    await loadParsers();
    server = await startPostgres();
    admin = await connect(server.database);
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });
  return { connect, admin: () => admin };
}

/** The migrations under `roots` of `dir`, in the framework's order, as plans with paths relative to `dir`. */
export async function historyPlans(dir: string, roots: string[]): Promise<ExecutablePlan[]> {
  const found = await discover(roots, dir);
  const files = found.files.map((f) => ({ path: f, text: readFileSync(path.resolve(dir, f), 'utf8') }));
  const ordered = orderHistory(files, dir, readIfThere);
  const plans = ordered.map((f) => planUnit(unitOf({ path: path.resolve(dir, f.path), text: f.text, bom: false }, DEFAULT_SETTINGS)));
  for (const p of plans) p.file = path.relative(dir, p.file);
  return plans;
}

export interface FixedCopy {
  copy: string;
  /** The migrations found in the copy (relative paths). */
  files: string[];
  /** Base names of the files the fixes rewrote, and of the new files they wrote. */
  changed: string[];
  written: string[];
}

/**
 * A copy of `fixture` with the fixes of `rules` applied to each migration under `roots`; no fix is rejected, and
 * `reparse` (the host grammar's first syntax error, or null) finds none in a rewritten or written file.
 */
export async function fixedCopy(
  fixture: string,
  roots: string[],
  options: {
    rules: string[];
    tables: Record<string, { rows: number; partitioned: boolean }>;
    types?: Array<'fix' | 'suggestion'>;
    reparse: (text: string) => unknown;
  },
): Promise<FixedCopy> {
  const copy = mkdtempSync(path.join(os.tmpdir(), `migralint-${path.basename(fixture)}-proof-`));
  cpSync(fixture, copy, { recursive: true });
  const files = (await discover(roots, copy)).files;
  const changed: string[] = [];
  const written: string[] = [];
  for (const rel of files) {
    const file = path.join(copy, rel);
    const text = readFileSync(file, 'utf8');
    const out = await fixText(text, { filename: file, rules: options.rules, tables: options.tables, ...(options.types ? { types: options.types } : {}) });
    expect(out.rejected, rel).toBeUndefined();
    if (out.text !== text) {
      expect(options.reparse(out.text), rel).toBeNull();
      writeFileSync(file, out.text);
      changed.push(path.basename(rel));
    }
    for (const f of out.files ?? []) {
      expect(options.reparse(f.text), f.path).toBeNull();
      writeFileSync(f.path, f.text);
      written.push(path.basename(f.path));
    }
  }
  return { copy, files, changed, written };
}

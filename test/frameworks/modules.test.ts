/**
 * A framework is one module: src/frameworks/<id>/ with its detection, discovery, history order, execution model,
 * extraction, fix writers, README section and fixtures, listed in the registry. This test fails when a module lacks
 * one of those parts, or its fixtures.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskFileSystem } from '../../src/disk.js';
import { DETECT_RULES, FRAMEWORKS, detectFramework } from '../../src/frameworks/index.js';
import type { FrameworkModule } from '../../src/frameworks/types.js';
import { knownFrameworks } from '../../src/sources/index.js';
import { githubSlugs } from '../helpers/links.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SLUGS = githubSlugs(README);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** What a module lacks, in words; empty when it is whole. */
function problems(m: FrameworkModule, root = ROOT): string[] {
  const out: string[] = [];
  const lack = (what: string) => out.push(`${m.id}: ${what}`);
  if (!existsSync(path.join(root, 'src', 'frameworks', m.id, 'index.ts'))) lack(`no module folder src/frameworks/${m.id}/index.ts`);
  if (!m.name) lack('no name');
  if (m.detect.length === 0) lack('no detection rule');
  for (const r of m.detect)
    if (!r.describe || typeof r.test !== 'function' || !Number.isFinite(r.priority)) lack('a detection rule without priority, description or test');
  if (m.discovery.globs.length === 0) lack('no discovery globs');
  if (!m.history.describe) lack('no description of its history order');
  if (!m.execution.summary) lack('no execution model');
  if (m.adapter.id !== m.id) lack(`its adapter says it is ${m.adapter.id}`);
  if (typeof m.adapter.extract !== 'function') lack('no extraction');
  // A tool with a transaction of its own, or that sends a whole file as one query, needs a fix writer that gets a
  // statement out of it (a manual procedure where the tool has no opt-out).
  const ownTransaction = m.execution.wraps !== 'none' || m.execution.oneQuery === 'yes';
  if (ownTransaction && typeof m.adapter.escapeTransaction !== 'function') lack('a transaction of its own, but no fix writer (escapeTransaction)');
  if (!SLUGS.has(m.readme.replace(/^#/, ''))) lack(`no README section ${m.readme}`);
  if (m.fixtures.length === 0) lack('no fixtures');
  const fixtureFiles: string[] = [];
  for (const dir of m.fixtures) {
    const abs = path.join(root, dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      lack(`fixture folder ${dir} missing`);
      continue;
    }
    fixtureFiles.push(...filesUnder(abs));
  }
  const fs = diskFileSystem();
  const detected = fixtureFiles.filter((f) => detectFramework(f, readFileSync(f, 'utf8'), fs) === m.id);
  if (fixtureFiles.length && detected.length === 0) lack(`no fixture file under ${m.fixtures.join(', ')} is detected as ${m.id}`);
  const texts = fixtureFiles.map((f) => readFileSync(f, 'utf8'));
  for (const o of m.execution.optOuts) if (o.in === 'file' && !texts.some((t) => t.includes(o.syntax))) lack(`no fixture shows its opt-out ${o.syntax}`);
  return out;
}

describe('the framework registry', () => {
  it('lists every framework id once, and --framework accepts exactly those', () => {
    const ids = FRAMEWORKS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(knownFrameworks()).toEqual(ids);
    // One folder per module, and no folder without a module in the registry.
    const folders = readdirSync(path.join(ROOT, 'src', 'frameworks'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...ids].sort());
  });

  it('every module has every part, and fixtures that are detected as it', () => {
    expect(FRAMEWORKS.flatMap((m) => problems(m))).toEqual([]);
  });

  it('detection priorities are declared and unique, so no rule depends on its place in a list', () => {
    const priorities = DETECT_RULES.map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
  });

  it('the check fails on a module that lacks parts', () => {
    const whole = FRAMEWORKS.find((m) => m.id === 'goose')!;
    const broken: FrameworkModule = {
      ...whole,
      discovery: { globs: [], folders: [] },
      adapter: { ...whole.adapter, escapeTransaction: undefined },
      readme: '#no-such-section',
      fixtures: ['fixtures/frameworks/no-such-folder'],
      execution: { ...whole.execution, optOuts: [{ syntax: '-- +goose NEVER WRITTEN', in: 'file' }] },
    };
    expect(problems(broken)).toEqual([
      'goose: no discovery globs',
      'goose: a transaction of its own, but no fix writer (escapeTransaction)',
      'goose: no README section #no-such-section',
      'goose: fixture folder fixtures/frameworks/no-such-folder missing',
      'goose: no fixture shows its opt-out -- +goose NEVER WRITTEN',
    ]);
    // Fixtures that are there but are another tool's, and an opt-out no fixture shows.
    expect(
      problems({
        ...whole,
        fixtures: ['fixtures/frameworks/dbmate'],
        execution: { ...whole.execution, optOuts: [{ syntax: '-- +goose NEVER WRITTEN', in: 'file' }] },
      }),
    ).toEqual(['goose: no fixture file under fixtures/frameworks/dbmate is detected as goose', 'goose: no fixture shows its opt-out -- +goose NEVER WRITTEN']);
  });
});

describe('opt-out fixtures', () => {
  it('TypeORM under migrationsTransactionMode "each": `transaction = false` takes the migration out of the transaction', async () => {
    const { lintText } = await import('../../src/engine/lint-text.js');
    const rel = 'fixtures/frameworks/typeorm-each/src/migrations/1712600000000-AddPostPublishedIndex.ts';
    const text = readFileSync(path.join(ROOT, rel), 'utf8');
    const each = { frameworkOptions: { typeorm: { migrationsTransactionMode: 'each' } } };
    const r = await lintText(text, { filename: path.join(ROOT, rel), settings: each });
    expect(r.framework).toBe('typeorm');
    expect(r.findings.map((f) => f.ruleId)).not.toContain('ban-concurrent-index-creation-in-transaction');
    // Without the setting, TypeORM's default ("all") keeps it in the run's one transaction whatever the class says.
    const all = await lintText(text, { filename: path.join(ROOT, rel) });
    expect(all.findings.map((f) => f.ruleId)).toContain('ban-concurrent-index-creation-in-transaction');
  });
});

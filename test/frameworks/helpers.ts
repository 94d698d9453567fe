import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diskFileSystem } from '../../src/disk.js';
import { lintText, type LintTextOptions } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import type { LintSettings } from '../../src/engine/rule.js';
import { adapterFor, detectFramework } from '../../src/sources/index.js';
import type { FileResult, MigrationUnit } from '../../src/types.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Absolute path of a fixture under fixtures/frameworks/. */
export function fx(rel: string): string {
  return path.join(ROOT, 'fixtures', 'frameworks', rel);
}

export function read(rel: string): string {
  return readFileSync(fx(rel), 'utf8');
}

/** Lints a fixture file as it lies on disk (detection reads its siblings). */
export function lintFixture(rel: string, o: LintTextOptions = {}): Promise<FileResult> {
  return lintText(read(rel), { filename: fx(rel), ...o });
}

/** The extract stage alone: the execution model the adapter states for the file. */
export function extractFixture(rel: string, settings: Partial<LintSettings> = {}): { unit: MigrationUnit; warnings: string[] } {
  const text = read(rel);
  const warnings: string[] = [];
  const fs = diskFileSystem();
  const unit = adapterFor(detectFramework(fx(rel), text, fs)).extract(
    { path: fx(rel), text, bom: false },
    { settings: { ...DEFAULT_SETTINGS, ...settings }, warn: (m) => warnings.push(m), fs },
  );
  return { unit, warnings };
}

/** [line, ruleId] of every finding, to assert findings with their lines. */
export function lined(r: FileResult): Array<[number, string]> {
  return r.findings.map((f) => [f.loc.line, f.ruleId]);
}

export function only(r: FileResult, ruleId: string) {
  return r.findings.filter((f) => f.ruleId === ruleId);
}

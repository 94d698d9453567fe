import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffold } from '../scripts/new-rule.js';
import type { Rule } from '../src/engine/rule.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project tree with the real src/ and no rules yet. */
function tree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'migralint-new-rule-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'rules'));
  symlinkSync(path.join(ROOT, 'src'), path.join(dir, 'src'));
  return dir;
}

describe('npm run new-rule', () => {
  it('writes the rule file with its doc sections, the fixtures with their tester case, and registers the rule', async () => {
    const dir = tree();
    const { files } = scaffold('ban-example-statement', dir);
    expect(files[0]).toBe('rules/ban-example-statement.ts');
    const fixtures = files.filter((f) => f.startsWith('fixtures/'));
    expect(fixtures).toHaveLength(3);
    for (const f of [...fixtures, files[0]!]) expect(existsSync(path.join(dir, f)), f).toBe(true);

    const rule = ((await import(path.join(dir, 'rules/ban-example-statement.ts'))) as { default: Rule }).default;
    expect(rule.meta.id).toBe('ban-example-statement');
    expect(Object.keys(rule.meta.docs)).toEqual(['what', 'why', 'invalid', 'valid', 'references']);
    expect(rule.meta.docs.invalid).toHaveLength(1);
    expect(rule.meta.docs.valid).toHaveLength(1);
    expect(Object.keys(rule.meta.messages)).toEqual(['found']);

    const expected = JSON.parse(readFileSync(path.join(dir, 'fixtures/rules/ban-example-statement/expected.json'), 'utf8')) as Record<
      string,
      { findings: unknown[][] }
    >;
    const cases = Object.values(expected);
    expect(cases.map((c) => c.findings.length)).toEqual([1, 0]);
    expect(cases[0]!.findings[0]).toEqual([2, 1, 'ban-example-statement', 'found']);

    const index = readFileSync(path.join(dir, 'rules/index.ts'), 'utf8');
    expect(index).toContain("import banExampleStatement from './ban-example-statement.js';");
    expect(index).toMatch(/export const RULES: Rule\[\] = \[\n {2}banExampleStatement,\n\];/);
  });

  it('refuses an id that is not kebab-case, and one that exists', () => {
    const dir = tree();
    expect(() => scaffold('BanThing', dir)).toThrow(/kebab-case/);
    scaffold('ban-thing', dir);
    expect(() => scaffold('ban-thing', dir)).toThrow(/exists already/);
  });
});

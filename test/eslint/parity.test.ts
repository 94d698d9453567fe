import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESLint as ESLint10 } from 'eslint';
import { ESLint as ESLint9 } from 'eslint-9';
import { ESLint as ESLint915 } from 'eslint-9-15';
import tseslint from 'typescript-eslint';
import plugin from '../../src/eslint/index.js';
import { ConfigResolver } from '../../src/config/load.js';
import { lintOptionsFromConfig } from '../../src/config/options.js';
import { diskFileSystem } from '../../src/disk.js';
import { lintSource, withPending } from '../../src/engine/lint.js';
import { fixToFixedPoint } from '../../src/engine/apply.js';
import { readSource } from '../../src/cli/read.js';
import { frameworkFixtures, ROOT } from '../helpers/fixtures.js';

const recommended = (plugin.configs as any).recommended as any[];
const config = [
  ...recommended,
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  // Generated headers carry `/* eslint-disable camelcase */`; ESLint would report (and --fix remove) it here.
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
];

/** The CLI's path: config found upward from each file (src/config/load.ts), oxc-parser for JS/TS, the same core. */
async function cliLint(file: string) {
  const loaded = await new ConfigResolver().forFile(file);
  const options = { ...lintOptionsFromConfig(loaded.config, loaded.dir, file), fs: diskFileSystem() };
  const source = readSource(file);
  const result = lintSource(source, options);
  // What --fix writes: fixed to a fixed point, as the CLI does.
  const fixed = fixToFixedPoint(source, (f, pending) => lintSource(f, withPending(options, pending)));
  return { result, fixedText: fixed.text };
}

/**
 * The CLI's findings and --fix output for each file, computed once and compared with every ESLint version's: the
 * CLI's side is the same for all three versions (the same files, config and core), only ESLint's side differs.
 */
const cliResults = new Map<string, ReturnType<typeof cliLint>>();
function cliLintOnce(file: string): ReturnType<typeof cliLint> {
  let found = cliResults.get(file);
  if (!found) cliResults.set(file, (found = cliLint(file)));
  return found;
}

const VERSIONS = [
  ['eslint 10', ESLint10],
  ['eslint 9 (latest)', ESLint9],
  ['eslint 9.15', ESLint915],
] as const;

describe.each(VERSIONS)('%s reports what the CLI reports', (_name, ESLint) => {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config as any });
  const fixer = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config as any, fix: true });

  it.each(frameworkFixtures().map((f) => [path.relative(ROOT, f), f]))('%s', async (_rel, file) => {
    const { result, fixedText } = await cliLintOnce(file);
    const [res] = await eslint.lintFiles([file]);
    // ESLint's own notes (an unused `/* eslint-disable camelcase */` in a generated header) are not migralint's.
    const fromEslint = res!.messages
      .filter((m) => m.ruleId?.startsWith('migralint/'))
      .map((m) => ({ ruleId: m.ruleId, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message }));
    const fromCli = result.findings.map((f) => ({
      ruleId: `migralint/${f.ruleId}`,
      line: f.loc.line,
      column: f.loc.column,
      endLine: f.loc.endLine,
      endColumn: f.loc.endColumn,
      message: f.message,
    }));
    // ESLint orders findings at the same position by rule registration, the CLI by rule id: compare as sets in one order.
    const order = (a: { line: number; column: number; ruleId?: string | null }, b: typeof a) =>
      a.line - b.line || a.column - b.column || String(a.ruleId).localeCompare(String(b.ruleId));
    expect([...fromEslint].sort(order)).toEqual([...fromCli].sort(order));

    // --fix applies the same fixes.
    const [fixed] = await fixer.lintFiles([file]);
    // ESLint keeps the BOM out of the text it fixes and writes it back, as the CLI does.
    expect((fixed!.output ?? readFileSync(file, 'utf8')).replace(/^\ufeff/, '')).toBe(fixedText);
  });
});

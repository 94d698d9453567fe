import { describe, expect, it } from 'vitest';
import { ALL_RULE_META } from '../../rules/index.js';
import { lintText } from '../../src/engine/lint-text.js';
import { format as compact } from '../../src/report/compact.js';
import { escapeData, escapeProperty, format as github } from '../../src/report/github.js';
import { format as gitlab, type CodeQualityIssue } from '../../src/report/gitlab.js';
import { format as junit } from '../../src/report/junit.js';
import { format as sarif } from '../../src/report/sarif.js';
import type { FileResult } from '../../src/types.js';

const cwd = '/home/ci/shop';
const ctx = { cwd, rules: ALL_RULE_META, version: '0.1.0' };
const ORDERS =
  'BEGIN;\nCREATE INDEX idx_orders_customer ON orders (customer_id);\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user ON messages (user_id);\n';
const ordersTables = { orders: { rows: 12_000_000, bytes: 3_400_000_000 } };

async function ordersResult(): Promise<FileResult> {
  return lintText(ORDERS, { filename: `${cwd}/db/migrate/20240611_add_order_indexes.sql`, tables: ordersTables });
}

/** Applies SARIF replacements by their line/column regions only (as a SARIF consumer would). */
function applyByRegion(
  source: string,
  replacements: Array<{ deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }>,
): string {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const off = (line: number, col: number) => lineStarts[line - 1]! + col - 1;
  const edits = replacements
    .map((r) => ({
      start: off(r.deletedRegion.startLine, r.deletedRegion.startColumn),
      end: off(r.deletedRegion.endLine, r.deletedRegion.endColumn),
      text: r.insertedContent.text,
    }))
    .sort((a, b) => b.start - a.start);
  let out = source;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

describe('compact', () => {
  it('prints file:line:col: severity rule message, one line per finding', async () => {
    const out = compact([await ordersResult(), { filePath: `${cwd}/db/migrate/broken.sql`, findings: [], fatal: 'cannot read file: EACCES' }], ctx);
    expect(out.split('\n')).toEqual([
      'db/migrate/20240611_add_order_indexes.sql:2:1: error require-concurrent-index-creation CREATE INDEX on orders (12.0M rows, 3.2 GB) holds a SHARE lock for the whole build: INSERT, UPDATE and DELETE wait.',
      // info: the CREATE INDEX has its own finding, whose CONCURRENTLY fix takes no strong lock (one finding per cost).
      expect.stringContaining('db/migrate/20240611_add_order_indexes.sql:2:1: info require-lock-timeout No lock_timeout is set'),
      'db/migrate/20240611_add_order_indexes.sql:4:1: warn concurrent-index-invalid-leftover If a concurrent build of idx_messages_user fails or is cancelled, PostgreSQL leaves an INVALID index of that name behind, and IF NOT EXISTS then skips the rebuild: the index silently never works.',
      'db/migrate/broken.sql:1:1: error fatal cannot read file: EACCES',
      '',
    ]);
  });

  it('prints nothing for clean files', async () => {
    const clean = await lintText('CREATE INDEX CONCURRENTLY idx_a ON a (b);\n', { filename: `${cwd}/m.sql` });
    expect(compact([clean], ctx)).toBe('');
  });
});

describe('github', () => {
  it('escapes data and properties as the Actions runner reads them', () => {
    expect(escapeData('100% sure\r\nnext: a, b')).toBe('100%25 sure%0D%0Anext: a, b');
    expect(escapeProperty('db/a,b:c%.sql')).toBe('db/a%2Cb%3Ac%25.sql');
  });

  it('prints one workflow command per finding with location, title and escaped message', async () => {
    const out = github([await ordersResult()], ctx).split('\n');
    expect(out[0]).toBe(
      '::error file=db/migrate/20240611_add_order_indexes.sql,line=2,col=1,endLine=2,endColumn=56,title=migralint(require-concurrent-index-creation)::CREATE INDEX on orders (12.0M rows, 3.2 GB) holds a SHARE lock for the whole build: INSERT, UPDATE and DELETE wait.%0ABuild the index with CREATE INDEX CONCURRENTLY, outside any transaction block.',
    );
    expect(out[1]).toMatch(
      /^::notice file=db\/migrate\/20240611_add_order_indexes\.sql,line=2,col=1,endLine=2,endColumn=56,title=migralint\(require-lock-timeout\)::No lock_timeout/,
    );
    expect(out[2]).toMatch(/^::warning file=[^,]+,line=4,col=1,endLine=4,endColumn=79,title=migralint\(concurrent-index-invalid-leftover\)::/);
    expect(out.slice(3)).toEqual(['']);
    // Every line is a single workflow command: no raw newline inside a message.
    expect(out.filter((l) => l && !l.startsWith('::'))).toEqual([]);
  });

  it('escapes commas and colons in file names and maps info to notice', () => {
    const result: FileResult = {
      filePath: `${cwd}/migrations/2024:06,weird.sql`,
      source: 'SELECT 1;\n',
      findings: [
        {
          ruleId: 'unsupported-framework-construct',
          severity: 'info',
          message: 'SQL built at run time: 50% unknown',
          span: { start: 0, end: 9 },
          loc: { line: 1, column: 1, endLine: 1, endColumn: 10 },
        },
      ],
    };
    expect(github([result], ctx)).toBe(
      '::notice file=migrations/2024%3A06%2Cweird.sql,line=1,col=1,endLine=1,endColumn=9,title=migralint(unsupported-framework-construct)::SQL built at run time: 50%25 unknown\n',
    );
  });
});

describe('gitlab', () => {
  it('writes a Code Quality report with severities and locations', async () => {
    const issues = JSON.parse(gitlab([await ordersResult()], ctx)) as CodeQualityIssue[];
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['require-concurrent-index-creation', 'major', 'db/migrate/20240611_add_order_indexes.sql', 2],
      ['require-lock-timeout', 'info', 'db/migrate/20240611_add_order_indexes.sql', 2],
      ['concurrent-index-invalid-leftover', 'minor', 'db/migrate/20240611_add_order_indexes.sql', 4],
    ]);
    for (const i of issues) expect(i.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(3);
  });

  it('keeps fingerprints when lines are added above, and tells identical statements apart', async () => {
    const before = await ordersResult();
    const shifted = await lintText(`-- Adds indexes for the order history page\n\n${ORDERS}`, { filename: before.filePath, tables: ordersTables });
    const fp = (r: FileResult) => (JSON.parse(gitlab([r], ctx)) as CodeQualityIssue[]).map((i) => [i.check_name, i.fingerprint, i.location.lines.begin]);
    const a = fp(before);
    const b = fp(shifted);
    expect(b.map((x) => x[2])).toEqual(a.map((x) => (x[2] as number) + 2));
    expect(b.map((x) => x[1])).toEqual(a.map((x) => x[1]));

    const twice = await lintText('CREATE INDEX idx_a ON orders (a);\nCREATE INDEX idx_a ON orders (a);\n', {
      filename: before.filePath,
      tables: ordersTables,
      severities: { 'require-lock-timeout': 'off' },
    });
    const prints = fp(twice).map((x) => x[1]);
    expect(prints).toHaveLength(2);
    expect(prints[0]).not.toBe(prints[1]);
  });
});

describe('junit', () => {
  it('writes one test suite per file, a failure per error, a passing case showing each warning, and an error for a fatal file', async () => {
    const clean = await lintText('CREATE INDEX CONCURRENTLY idx_a ON a (b);\n', { filename: `${cwd}/db/migrate/20240101_clean.sql` });
    const out = junit([await ordersResult(), clean, { filePath: `${cwd}/db/migrate/x.sql`, findings: [], fatal: 'binary file <skipped> & "odd"' }], ctx);
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="migralint" tests="5" failures="1" errors="1">\n')).toBe(true);
    expect(out).toContain('<testsuite name="db/migrate/20240611_add_order_indexes.sql" tests="3" failures="1" errors="0">');
    // The warning stays visible without failing the build.
    expect(out).toMatch(
      /<testcase name="warn: concurrent-index-invalid-leftover at 4:1" classname="db\/migrate\/20240611_add_order_indexes\.sql">\n {6}<system-out>warn: [^<]+<\/system-out>\n {4}<\/testcase>/,
    );
    expect(out).not.toMatch(/<failure[^>]*type="require-lock-timeout"/);
    expect(out).toContain('<testcase name="require-concurrent-index-creation at 2:1" classname="db/migrate/20240611_add_order_indexes.sql">');
    expect(out).toContain(
      '<testsuite name="db/migrate/20240101_clean.sql" tests="1" failures="0" errors="0">\n    <testcase name="db/migrate/20240101_clean.sql" classname="db/migrate/20240101_clean.sql"></testcase>',
    );
    expect(out).toContain('<error message="binary file &lt;skipped&gt; &amp; &quot;odd&quot;"></error>');
    expect(out.endsWith('</testsuites>\n')).toBe(true);
    // Well-formed enough: tags balance.
    const opens = out.match(/<(testsuites|testsuite|testcase|failure|error)[ >]/g)!.length;
    const closes = out.match(/<\/(testsuites|testsuite|testcase|failure|error)>/g)!.length;
    expect(opens).toBe(closes);
  });
});

describe('sarif', () => {
  it('describes every rule with descriptions, help and helpUri', async () => {
    const log = JSON.parse(sarif([await ordersResult()], ctx));
    expect(log.version).toBe('2.1.0');
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(ALL_RULE_META.map((m) => m.id));
    const rule = rules.find((r: { id: string }) => r.id === 'require-concurrent-index-creation');
    expect(rule.shortDescription.text).toMatch(/^CREATE INDEX without CONCURRENTLY/);
    expect(rule.fullDescription.text).toMatch(/^Flags `CREATE INDEX` without `CONCURRENTLY`/);
    expect(rule.help.text).toContain('SHARE lock');
    expect(rule.help.markdown).toContain('**Why is this bad?**');
    expect(rule.helpUri).toBe('https://github.com/migralint/migralint/blob/main/docs/rules/require-concurrent-index-creation.md');
    expect(rule.defaultConfiguration.level).toBe('error');
    expect(log.runs[0].tool.driver.version).toBe('0.1.0');
  });

  it('locates results with 1-based regions relative to %SRCROOT%', async () => {
    const log = JSON.parse(sarif([await ordersResult()], ctx));
    const run = log.runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///home/ci/shop/');
    const [first] = run.results;
    expect(first.ruleId).toBe('require-concurrent-index-creation');
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe(first.ruleId);
    expect(first.level).toBe('error');
    expect(first.locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'db/migrate/20240611_add_order_indexes.sql',
      uriBaseId: '%SRCROOT%',
      index: 0,
    });
    expect(first.locations[0].physicalLocation.region).toEqual({ startLine: 2, startColumn: 1, endLine: 2, endColumn: 57, charOffset: 7, charLength: 56 });
    expect(first.properties.table).toEqual({ name: 'orders', rows: 12_000_000, bytes: 3_400_000_000, sizeClass: 'large' });
  });

  it('turns fixes and suggestions into replacements that reproduce the fixed text', async () => {
    const result = await ordersResult();
    const log = JSON.parse(sarif([result], ctx));
    const [createIndex, , leftover] = log.runs[0].results;
    const fix = createIndex.fixes[0];
    expect(fix.description.text).toBe('Move the statement after the COMMIT on line 3 and make it CONCURRENTLY');
    expect(applyByRegion(ORDERS, fix.artifactChanges[0].replacements)).toBe(
      'BEGIN;\nCOMMIT;\n\nCREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user ON messages (user_id);\n',
    );
    expect(applyByRegion(ORDERS, leftover.fixes[0].artifactChanges[0].replacements)).toBe(
      'BEGIN;\nCREATE INDEX idx_orders_customer ON orders (customer_id);\nCOMMIT;\nDROP INDEX CONCURRENTLY IF EXISTS idx_messages_user;\nCREATE INDEX CONCURRENTLY idx_messages_user ON messages (user_id);\n',
    );
  });

  it('reports files that could not be linted as tool notifications', () => {
    const log = JSON.parse(sarif([{ filePath: `${cwd}/db/x.sql`, findings: [], fatal: 'cannot read file: EISDIR' }], ctx));
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'cannot read file: EISDIR' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'db/x.sql', uriBaseId: '%SRCROOT%', index: 0 } } }],
      },
    ]);
  });
});

/**
 * The playground's Web Worker: the same core as the CLI (extract → parse → analyze → rules, and --fix), run on
 * the virtual project the page describes. It has no lint logic of its own; it turns the page's state into lint
 * options, calls lintSource / fixToFixedPoint, and sends back plain data.
 */
import { createTwoFilesPatch } from 'diff';
import { Catalog } from '../src/catalog/catalog.js';
import { ruleDocsUrl } from '../src/docs-url.js';
import { lockPicture } from '../src/report/lock-picture.js';
import { fixToFixedPoint } from '../src/engine/apply.js';
import { memoryFileSystem } from '../src/fs.js';
import { DEFAULT_SETTINGS, lintSource, type LintOptions } from '../src/engine/lint.js';
import { loadParser } from '../src/sql/parse.js';
import { loadPython } from '../src/sources/python/tree.js';
import type { FrameworkId, SeverityName } from '../src/types.js';
import { RULES_BY_ID } from '../rules/index.js';
import { frameworkById } from './frameworks.js';
import type { LintRequest, LintResponse, PlaygroundFinding } from './protocol.js';
import { setFiles } from './shims/fs.js';

const ready = loadParser();
let pythonReady: Promise<void> | undefined;

function lintOptions(request: LintRequest, files: Record<string, string>): LintOptions {
  const catalog = Catalog.empty();
  catalog.addConfig(request.tables, request.largeTables);
  const severities: Record<string, SeverityName> = {};
  for (const [id, sev] of Object.entries(request.rules ?? {})) if (id in RULES_BY_ID) severities[id] = sev;
  return {
    framework: request.framework as FrameworkId,
    settings: {
      ...DEFAULT_SETTINGS,
      pgVersion: request.pgVersion,
      largeTableRows: request.largeTableRows ?? DEFAULT_SETTINGS.largeTableRows,
      preset: request.preset,
    },
    severities,
    catalog,
    // The virtual project: the core reads the files beside the migration only through this.
    fs: memoryFileSystem(files),
  };
}

async function handle(request: LintRequest): Promise<LintResponse> {
  await ready;
  const fw = frameworkById(request.framework);
  if (fw.path.endsWith('.py')) await (pythonReady ??= loadPython());
  const files = { ...fw.siblings, [fw.path]: request.text };
  setFiles(files);
  const options = lintOptions(request, files);
  const file = { path: fw.path, text: request.text, bom: false };
  const result = lintSource(file, options);
  const lines = request.text.split('\n');
  const findings: PlaygroundFinding[] = result.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    line: f.loc.line,
    column: f.loc.column,
    endLine: f.loc.endLine,
    endColumn: f.loc.endColumn,
    help: f.help,
    lock: f.data?.lock,
    table: f.data?.table,
    fixable: Boolean(f.fix),
    suggestions: (f.suggestions ?? []).map((s) => s.description),
    source: lines[f.loc.line - 1] ?? '',
    docsUrl: ruleDocsUrl(f.ruleId),
  }));
  const outcome = fixToFixedPoint(file, (current, readPending) => lintSource(current, { ...options, readFile: readPending }));
  const name = fw.path.split('/').pop() ?? fw.path;
  const fixed =
    outcome.applied > 0 && !outcome.rejected
      ? {
          text: outcome.text,
          applied: outcome.applied,
          diff: createTwoFilesPatch(name, name, request.text, outcome.text, '', '', { context: 2 }),
          otherFiles: outcome.files.map((f) => f.path),
        }
      : undefined;
  return {
    seq: request.seq,
    framework: result.framework ?? request.framework,
    assumption: result.assumption,
    findings,
    picture: lockPicture(result),
    fixed,
    rejected: outcome.rejected,
  };
}

self.onmessage = (event: MessageEvent<LintRequest>) => {
  handle(event.data).then(
    (response) => self.postMessage(response),
    (error: unknown) =>
      self.postMessage({
        seq: event.data.seq,
        framework: event.data.framework,
        findings: [],
        error: error instanceof Error ? error.message : String(error),
      } satisfies LintResponse),
  );
};

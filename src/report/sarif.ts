import { pathToFileURL } from 'node:url';
import { presetSeverity } from '../engine/presets.js';
import type { RuleMeta } from '../engine/rule.js';
import { LineIndex } from '../sql/text.js';
import type { Edit, FileResult, Finding, Fix } from '../types.js';
import { fingerprinter, fullMessage, reportPath, ruleDocsUrl, sortedFindings, type ReportContext } from './common.js';

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = { error: 'error', warn: 'warning', info: 'note' };

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  charOffset?: number;
  charLength?: number;
}

/**
 * SARIF 2.1.0 (GitHub code scanning, Azure DevOps, VS Code's SARIF viewer). Columns are UTF-16 code units,
 * 1-based, end exclusive — exactly migralint's own `loc`. Fixes and suggestions become `fixes` with
 * replacement regions computed from the edits' offsets in the file.
 */
export function format(results: FileResult[], ctx: ReportContext): string {
  const ruleIndex = new Map(ctx.rules.map((r, i) => [r.id, i]));
  const sarifResults: unknown[] = [];
  const notifications: unknown[] = [];
  const artifacts: Array<{ location: { uri: string; uriBaseId?: string } }> = [];

  for (const result of results) {
    const uri = encodeUriPath(reportPath(result.filePath, ctx.cwd));
    const location = uri.startsWith('file:') ? { uri } : { uri, uriBaseId: '%SRCROOT%' };
    const artifactIndex = artifacts.push({ location }) - 1;
    const artifactLocation = { ...location, index: artifactIndex };
    if (result.fatal) {
      notifications.push({
        level: 'error',
        message: { text: result.fatal },
        locations: [{ physicalLocation: { artifactLocation } }],
      });
    }
    const lines = result.source !== undefined ? new LineIndex(result.source) : undefined;
    const fingerprint = fingerprinter(uri, result.source);
    for (const f of sortedFindings(result)) {
      // Fixes that edit this file; one that only writes another file (Diesel's metadata.toml) is --fix's alone.
      const fixes = [...(f.fix ? [f.fix] : []), ...(f.suggestions ?? [])].filter((fix) => fix.edits.length > 0);
      const index = ruleIndex.get(f.ruleId);
      sarifResults.push({
        ruleId: f.ruleId,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: LEVEL[f.severity],
        message: { text: fullMessage(f) },
        locations: [
          {
            physicalLocation: {
              artifactLocation,
              region: {
                startLine: f.loc.line,
                startColumn: f.loc.column,
                endLine: f.loc.endLine,
                endColumn: f.loc.endColumn,
                charOffset: f.span.start,
                charLength: f.span.end - f.span.start,
              },
            },
          },
        ],
        partialFingerprints: { 'migralintFinding/v1': fingerprint(f.ruleId, f.span) },
        ...(lines && fixes.length ? { fixes: fixes.map((fix) => sarifFix(fix, artifactLocation, lines)) } : {}),
        ...(f.data && Object.keys(f.data).length ? { properties: f.data } : {}),
      });
    }
  }

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'migralint',
            informationUri: 'https://github.com/migralint/migralint',
            ...(ctx.version ? { version: ctx.version, semanticVersion: ctx.version } : {}),
            rules: ctx.rules.map(sarifRule),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(ctx.cwd.endsWith('/') ? ctx.cwd : `${ctx.cwd}/`).href } },
        artifacts,
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(meta: RuleMeta) {
  const refs = meta.docs.references;
  const text = [meta.docs.what, meta.docs.why, ...(refs.length ? [`References: ${refs.join(' ')}`] : [])].join('\n\n');
  const markdown = [
    `**What it does.** ${meta.docs.what}`,
    `**Why is this bad?** ${meta.docs.why}`,
    ...(meta.docs.fixSafety ? [`**Fix safety.** ${meta.docs.fixSafety}`] : []),
    ...(refs.length ? [`**References**\n\n${refs.map((r) => `- <${r}>`).join('\n')}`] : []),
  ].join('\n\n');
  const enabled = presetSeverity(meta) !== 'off';
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z0-9])/g, (_, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.docs.what },
    help: { text, markdown },
    helpUri: ruleDocsUrl(meta.id),
    defaultConfiguration: { enabled, level: enabled ? LEVEL[meta.defaultSeverity as Finding['severity']] : 'none' },
    properties: { category: meta.category, fixable: meta.fix, tags: ['postgresql', 'migrations', meta.category] },
  };
}

function sarifFix(fix: Fix, artifactLocation: object, lines: LineIndex) {
  return {
    description: { text: fix.description },
    artifactChanges: [{ artifactLocation, replacements: fix.edits.map((e) => replacement(e, lines)) }],
  };
}

function replacement(edit: Edit, lines: LineIndex) {
  const a = lines.position(edit.start);
  const b = lines.position(edit.end);
  const deletedRegion: Region = {
    startLine: a.line,
    startColumn: a.column,
    endLine: b.line,
    endColumn: b.column,
    charOffset: edit.start,
    charLength: edit.end - edit.start,
  };
  return { deletedRegion, insertedContent: { text: edit.text } };
}

/** A relative path as a URI reference: each segment percent-encoded, slashes kept. */
function encodeUriPath(p: string): string {
  if (p.startsWith('/')) return pathToFileURL(p).href;
  return p.split('/').map(encodeURIComponent).join('/');
}

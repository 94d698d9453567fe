import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from '@eslint/plugin-kit';
import { scanSync } from 'libpg-query';
import { diskFileSystem } from '../disk.js';
import { detectFramework } from '../sources/index.js';
import { maskSql } from '../sql/mask.js';
import { parseChunk } from '../sql/parse.js';
import { maskOptionsFor } from '../sql/statements.js';
import { ByteOffsets, LineIndex } from '../sql/text.js';

/** ESLint positions: 1-based lines, 0-based columns. */
interface Position {
  line: number;
  column: number;
}
interface Location {
  start: Position;
  end: Position;
}

export interface SqlComment {
  type: 'LineComment' | 'BlockComment';
  /** The comment's text without `--` or `/* *\/`. */
  value: string;
  range: [number, number];
  loc: Location;
}

export interface SqlStatementNode {
  type: 'Statement';
  /** libpg-query's node type: IndexStmt, AlterTableStmt … */
  kind: string;
  range: [number, number];
  loc: Location;
}

/** The root ESLint sees for a `.sql` file: the statements PostgreSQL's parser found, with locations. */
export interface SqlProgram {
  /**
   * Not `Program`: JavaScript rules that a config turns on for every file (typescript-eslint's recommended
   * without `files` …) visit `Program` and would run on SQL and Python, where they fail. None visits this.
   */
  type: 'MigrationFile';
  migralintSql: true;
  body: SqlStatementNode[];
  comments: SqlComment[];
  range: [number, number];
  loc: Location;
}

function toLoc(lines: LineIndex, start: number, end: number): Location {
  const a = lines.position(start);
  const b = lines.position(end);
  return { start: { line: a.line, column: a.column - 1 }, end: { line: b.line, column: b.column - 1 } };
}

function scanComments(text: string, lines: LineIndex): SqlComment[] {
  if (!text.includes('--') && !text.includes('/*')) return [];
  let tokens;
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return [];
  }
  const bytes = new ByteOffsets(text);
  const out: SqlComment[] = [];
  for (const t of tokens) {
    if (t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT') continue;
    const start = bytes.toUtf16(t.start);
    const end = bytes.toUtf16(t.end);
    const raw = text.slice(start, end);
    const block = t.tokenName === 'C_COMMENT';
    out.push({
      type: block ? 'BlockComment' : 'LineComment',
      value: block ? raw.slice(2, -2) : raw.slice(2).replace(/\r$/, ''),
      range: [start, end],
      loc: toLoc(lines, start, end),
    });
  }
  return out;
}

const commentParser = new ConfigCommentParser();

/** SourceCode for `.sql` files: text, lines, locations (TextSourceCodeBase), and ESLint's inline config in SQL comments. */
export class SqlSourceCode extends TextSourceCodeBase<{
  LangOptions: Record<string, never>;
  RootNode: SqlProgram;
  SyntaxElementWithLoc: SqlProgram | SqlStatementNode | SqlComment;
  ConfigNode: SqlComment;
}> {
  readonly comments: SqlComment[];
  #parents = new WeakMap<object, SqlProgram>();

  constructor({ text, ast }: { text: string; ast: SqlProgram }) {
    super({ text, ast, lineEndingPattern: /\r\n|[\r\n]/u });
    this.comments = ast.comments;
  }

  override getParent(node: SqlStatementNode | SqlProgram): SqlProgram | undefined {
    return this.#parents.get(node);
  }

  getInlineConfigNodes(): SqlComment[] {
    return this.comments.filter((c) => /^\s*(?:eslint|globals?)(?:-|\s|$)/u.test(c.value));
  }

  getDisableDirectives(): { problems: Array<{ ruleId: null; message: string; loc: Location }>; directives: Directive[] } {
    const problems: Array<{ ruleId: null; message: string; loc: Location }> = [];
    const directives: Directive[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed) continue;
      const { label, value, justification } = parsed;
      if (label === 'eslint-disable-line' && comment.loc.start.line !== comment.loc.end.line) {
        problems.push({ ruleId: null, message: `${label} comment should not span multiple lines.`, loc: comment.loc });
        continue;
      }
      if (label === 'eslint-disable' || label === 'eslint-enable' || label === 'eslint-disable-next-line' || label === 'eslint-disable-line') {
        directives.push(new Directive({ type: label.slice('eslint-'.length) as 'disable', node: comment, value, justification }));
      }
    }
    return { problems, directives };
  }

  applyInlineConfig(): { configs: Array<{ config: { rules: unknown }; loc: Location }>; problems: Array<{ ruleId: null; message: string; loc: Location }> } {
    const configs: Array<{ config: { rules: unknown }; loc: Location }> = [];
    const problems: Array<{ ruleId: null; message: string; loc: Location }> = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed || parsed.label !== 'eslint') continue;
      const result = commentParser.parseJSONLikeConfig(parsed.value);
      if (result.ok) configs.push({ config: { rules: result.config }, loc: comment.loc });
      else problems.push({ ruleId: null, message: result.error.message, loc: comment.loc });
    }
    return { configs, problems };
  }

  override traverse(): VisitNodeStep[] {
    const steps: VisitNodeStep[] = [];
    const root = this.ast;
    steps.push(new VisitNodeStep({ target: root, phase: 1, args: [root, null] }));
    for (const stmt of root.body) {
      this.#parents.set(stmt, root);
      steps.push(new VisitNodeStep({ target: stmt, phase: 1, args: [stmt, root] }));
      steps.push(new VisitNodeStep({ target: stmt, phase: 2, args: [stmt, root] }));
    }
    steps.push(new VisitNodeStep({ target: root, phase: 2, args: [root, null] }));
    return steps;
  }
}

export interface EslintFile {
  path: string;
  physicalPath?: string;
  body: string | Uint8Array;
}

/**
 * `language: "migralint/sql"`. parse() never fails: SQL that PostgreSQL cannot read is a `migralint/parse-error`
 * finding (as in the CLI), so every other statement is still linted.
 */
export const sqlLanguage = {
  fileType: 'text' as const,
  lineStart: 1 as const,
  columnStart: 0 as const,
  nodeTypeKey: 'type',
  visitorKeys: { MigrationFile: ['body'], Statement: [] },
  defaultLanguageOptions: {},
  // A config's global languageOptions (ecmaVersion, globals, a parser) are JavaScript's: they do not apply to SQL,
  // and are ignored here, as ESLint's own JSON and CSS languages ignore them. migralint settings live in its config.
  validateLanguageOptions(): void {},
  parse(file: EslintFile): { ok: true; ast: SqlProgram } {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    const lines = new LineIndex(text);
    const framework = detectFramework(file.physicalPath ?? file.path, text, diskFileSystem());
    const parsed = parseChunk(maskSql(text, maskOptionsFor(framework)));
    const body: SqlStatementNode[] = parsed.statements.map((s) => ({
      type: 'Statement',
      kind: s.kind,
      range: [s.span.start, s.span.end],
      loc: toLoc(lines, s.span.start, s.span.end),
    }));
    return {
      ok: true,
      ast: { type: 'MigrationFile', migralintSql: true, body, comments: scanComments(text, lines), range: [0, text.length], loc: toLoc(lines, 0, text.length) },
    };
  },
  createSourceCode(file: EslintFile, input: { ast: SqlProgram }): SqlSourceCode {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    return new SqlSourceCode({ text, ast: input.ast });
  },
};

/**
 * `migralint/python`: Alembic and Django migrations. The file is handed whole to migralint's Python front end
 * (tree-sitter, loaded when the plugin is imported), as the CLI reads it; the AST ESLint sees is one MigrationFile node.
 */
export const pythonLanguage = {
  ...sqlLanguage,
  parse(file: EslintFile): { ok: true; ast: SqlProgram } {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    const lines = new LineIndex(text);
    return { ok: true, ast: { type: 'MigrationFile', migralintSql: true, body: [], comments: [], range: [0, text.length], loc: toLoc(lines, 0, text.length) } };
  },
};

import { parseSync as parseJsSync } from 'oxc-parser';
import { quoteIdent } from '../../sql/quote.js';
import { scanLineDirectives } from '../../engine/directives.js';
import { maskSql } from '../../sql/mask.js';
import { parseChunk } from '../../sql/parse.js';
import { maskOptionsFor } from '../../sql/statements.js';
import type { AdapterNote, ExecutionContext, FrameworkId, MigrationUnit, SourceFile, Span, UnitItem } from '../../types.js';
import type { ExtractContext } from '../adapter.js';
import { chainOf, firstParamName, isFunction, keyName, literalValue, property, rangeOf, unwrap, walk, type Node } from './estree.js';
import { concatPieces, stringPiece, templatePiece, type SqlPiece } from './literals.js';

/** A DSL call expressed as the SQL it runs. */
export interface OperationSpec {
  sql: string;
  /** The node the finding lands on (the call). */
  at: Node;
  call: string;
  origin?: Record<string, unknown>;
}

/** What the extractor learnt about the file as a whole: for execution models and fix writers. */
export interface JsFileFacts {
  text: string;
  /** `export …` syntax (ESM / TypeScript) rather than `exports.x =` / `module.exports`. */
  esm: boolean;
  /** `module.exports = { … }`: the object literal's range. */
  moduleExportsObject?: [number, number];
  /** Knex `config` export: its `transaction` value and the object literal's range. */
  knexConfig?: { transaction: unknown; object: [number, number] };
  /** node-pg-migrate `pgm.noTransaction()` in up(). */
  noTransaction: boolean;
  /** TypeORM: `transaction = false` / `true` as a class field; class body range and first member start. */
  classTransaction?: unknown;
  classBody?: { start: number; end: number; firstMember?: number };
  /** The up() function: its body range and the start of its first statement. */
  up?: { bodyStart: number; bodyEnd: number; firstStatement?: number; expressionBody: boolean; param?: string };
  /** The transaction mode the dialect settled on, for its fix writers (TypeORM: all | each | none). */
  mode?: string;
  /** Number of SQL statements / operations in up(), filled in after extraction. */
  itemCount: number;
}

/** Framework-specific parts of the one extractor. */
export interface JsDialect {
  id: FrameworkId;
  /** DSL calls of this framework, as SQL; null when `call` is not one. */
  operations?(call: Node, env: ExtractEnv): OperationSpec[] | null;
  /** The execution model of this file. */
  exec(facts: JsFileFacts, ctx: ExtractContext): { exec: ExecutionContext; assumption?: string };
  /**
   * Queries are builders, sent only when awaited, returned or `.then`-ed (Knex's `knex.raw`): a call that stands
   * alone as a statement never runs.
   */
  lazy?: boolean;
}

export interface ExtractEnv {
  text: string;
  /** Follows an identifier to the string/array/object it holds there, when straight-line code fixes it. */
  resolve(node: Node | null | undefined): Node | null;
  note(message: string, node: Node, ruleId?: AdapterNote['ruleId']): void;
}

const JS_CALLEES_DEFAULT = ['knex.raw', 'knex.schema.raw', 'queryRunner.query', 'pgm.sql', 'queryInterface.sequelize.query', 'db.runSql'];

/** Member names whose call passes SQL text on, whatever the receiver is called. */
function isSqlCallee(chain: string, params: Set<string>, extra: string[]): boolean {
  if (extra.includes(chain) || JS_CALLEES_DEFAULT.includes(chain)) return true;
  const dot = chain.lastIndexOf('.');
  if (dot < 0) return false;
  const obj = chain.slice(0, dot);
  const member = chain.slice(dot + 1);
  const base = obj.split('.').pop()!;
  switch (member) {
    case 'raw': // knex.raw, trx.raw, knex.schema.raw, sql.raw (Kysely)
      return true;
    case 'runSql': // db-migrate
      return true;
    case 'query': // TypeORM queryRunner.query, Sequelize queryInterface.sequelize.query, pgm.db.query
      return base === 'queryRunner' || base === 'sequelize' || (base === 'db' && obj !== 'db') || params.has(obj);
    case 'sql': // node-pg-migrate pgm.sql
      return params.has(obj) || base === 'pgm';
    default:
      return false;
  }
}

/** Knex clients and the names multi-database projects give other databases (`client`, `db.type`, `DB_CLIENT`). */
const OTHER_DATABASE = /^(?:mysql2?|mariadb|mssql|sqlite3?|better-sqlite3|oracle(?:db)?)$/i;
const POSTGRES = /^(?:pg|postgres(?:ql)?|pg-native)$/i;

/** The string a `case` label or one side of an `===` compares with, when it is a literal. */
function comparedName(n: Node | null | undefined): string | undefined {
  const u = unwrap(n);
  if (u?.type === 'Literal' && typeof u.value === 'string') return u.value;
  if (u?.type === 'TemplateLiteral' && u.expressions.length === 0) return u.quasis[0]?.value?.cooked;
  return undefined;
}

/**
 * Whether an `if` test holds only on the databases `re` names: `x === 'mysql'`, `'mysql' == x`, and `||` of such
 * (`!==` of another name is not read).
 */
function testNames(test: Node | null | undefined, re: RegExp): boolean {
  const t = unwrap(test);
  if (t?.type === 'LogicalExpression' && t.operator === '||') return testNames(t.left, re) && testNames(t.right, re);
  if (t?.type !== 'BinaryExpression' || (t.operator !== '===' && t.operator !== '==')) return false;
  const name = comparedName(t.left) ?? comparedName(t.right);
  return name !== undefined && re.test(name);
}

/**
 * A call in code that runs on other databases only: a `switch` case whose labels (with the empty cases that fall
 * into it) all name other databases (`case 'mysql': case 'mariadb':`), the branch of an `if` that tests for another
 * database, or the `else` of one that tests for PostgreSQL. Projects that support several databases keep each
 * one's SQL so (Wiki.js's `switch (WIKI.config.db.type)`); PostgreSQL never runs it.
 */
function inOtherDatabaseBranch(node: Node, parents: Map<Node, Node>): boolean {
  let child = node;
  for (let p = parents.get(node); p; child = p, p = parents.get(p)) {
    if (p.type === 'SwitchCase' && p.consequent.includes(child)) {
      const cases: Node[] = parents.get(p)?.cases ?? [];
      const labels: Array<Node | null> = [p.test];
      for (let i = cases.indexOf(p) - 1; i >= 0 && cases[i]!.consequent.length === 0; i--) labels.push(cases[i]!.test);
      if (labels.every((l) => l !== null && OTHER_DATABASE.test(comparedName(l) ?? ''))) return true;
    }
    if (p.type === 'IfStatement') {
      if (p.consequent === child && testNames(p.test, OTHER_DATABASE)) return true;
      if (p.alternate === child && testNames(p.test, POSTGRES)) return true;
    }
  }
  return false;
}

/**
 * The branch `child` of the `if` statement `p`, when its test compares the database type with a literal: `other`
 * when PostgreSQL never takes it, `postgres` when PostgreSQL always does (the `else` of a test for other databases).
 */
export function ifBranchDatabase(p: Node, child: Node): 'other' | 'postgres' | undefined {
  if (p.consequent === child) return testNames(p.test, OTHER_DATABASE) ? 'other' : testNames(p.test, POSTGRES) ? 'postgres' : undefined;
  if (p.alternate === child) return testNames(p.test, POSTGRES) ? 'other' : testNames(p.test, OTHER_DATABASE) ? 'postgres' : undefined;
  return undefined;
}

/** Tags of templates that are SQL text with bound values. */
const SQL_TAGS = new Set(['sql', 'sql.unsafe', 'sql.type()', 'sql.typeAlias()']);

/** A call that is a statement of its own (`knex.raw('…');`): nothing awaits, returns or chains its result. */
function standsAlone(node: Node, parents: Map<Node, Node>): boolean {
  let p = parents.get(node);
  while (p && ['ParenthesizedExpression', 'TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression', 'ChainExpression'].includes(p.type))
    p = parents.get(p);
  return p?.type === 'ExpressionStatement';
}

/** A raw-SQL call is one the migration runs, not a value handed to another call (`defaultTo(knex.raw('now()'))`). */
function isExecuted(node: Node, parents: Map<Node, Node>): boolean {
  let child = node;
  let p = parents.get(node);
  while (p) {
    switch (p.type) {
      case 'AwaitExpression':
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'ChainExpression':
      case 'SequenceExpression':
      case 'ConditionalExpression':
      case 'LogicalExpression':
        break;
      case 'ExpressionStatement':
      case 'ReturnStatement':
      case 'VariableDeclarator':
      case 'AssignmentExpression':
        return true;
      case 'ArrowFunctionExpression':
        return p.body === child;
      case 'MemberExpression':
        // sql`…`.execute(db), knex.raw(…).then(…)
        if (p.object !== child || p.property?.type !== 'Identifier' || !['execute', 'then', 'catch', 'finally', 'transacting'].includes(p.property.name))
          return false;
        break;
      case 'CallExpression':
        if (p.callee === child) break;
        // connection.query(sql`…`) (slonik, a custom runner): the template is what the call runs.
        if (child.type === 'TaggedTemplateExpression' && p.arguments[0] === child && /\.query$/.test(chainOf(p.callee) ?? '')) break;
        return false;
      case 'ArrayExpression': {
        const call = parents.get(p);
        const chain = call?.type === 'CallExpression' ? chainOf(call.callee) : null;
        if (chain !== 'Promise.all' && chain !== 'Promise.allSettled') return false;
        child = call!;
        p = parents.get(call!);
        continue;
      }
      default:
        return false;
    }
    child = p;
    p = parents.get(p);
  }
  return false;
}

export interface ParsedJs {
  program: Node | null;
  error?: { message: string; span: Span };
}

/** The CLI's parse: oxc-parser, ESTree with TypeScript, UTF-16 offsets. */
export function parseJs(file: SourceFile): ParsedJs {
  const lang = /\.(c|m)?tsx?$/i.test(file.path) ? (/x$/i.test(file.path) ? 'tsx' : 'ts') : /\.jsx$/i.test(file.path) ? 'jsx' : 'js';
  try {
    const r = parseJsSync(file.path, file.text, { lang, sourceType: 'unambiguous', preserveParens: false } as never);
    const err = r.errors.find((e) => e.severity === 'Error') ?? r.errors[0];
    if (err) {
      const label = err.labels?.[0];
      return { program: null, error: { message: err.message, span: { start: label?.start ?? 0, end: label?.end ?? 0 } } };
    }
    return { program: r.program as unknown as Node };
  } catch (error) {
    return { program: null, error: { message: (error as Error).message, span: { start: 0, end: 0 } } };
  }
}

function gatherFacts(program: Node, text: string): { facts: JsFileFacts; up: Node[]; down: Node[] } {
  const facts: JsFileFacts = { text, esm: false, noTransaction: false, itemCount: 0 };
  const up: Node[] = [];
  const down: Node[] = [];
  const addFn = (name: string | undefined, fn: Node | null | undefined): void => {
    const f = unwrap(fn);
    if (!isFunction(f)) return;
    if (name === 'up') up.push(f);
    else if (name === 'down') down.push(f);
  };
  for (const stmt of program.body ?? []) {
    if (stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') facts.esm = true;
  }
  walk(program, (n) => {
    switch (n.type) {
      case 'FunctionDeclaration':
        addFn(n.id?.name, n);
        break;
      case 'VariableDeclarator':
        if (n.id?.type === 'Identifier') {
          addFn(n.id.name, n.init);
          if (n.id.name === 'config' && unwrap(n.init)?.type === 'ObjectExpression') {
            const obj = unwrap(n.init)!;
            facts.knexConfig = { transaction: literalValue(property(obj, 'transaction')?.value), object: rangeOf(obj) };
          }
        }
        break;
      case 'AssignmentExpression': {
        const left = chainOf(n.left);
        if (left === 'module.exports' && unwrap(n.right)?.type === 'ObjectExpression') {
          facts.moduleExportsObject = rangeOf(unwrap(n.right)!);
          const cfg = property(n.right, 'config');
          if (cfg && unwrap(cfg.value)?.type === 'ObjectExpression') {
            facts.knexConfig = { transaction: literalValue(property(cfg.value, 'transaction')?.value), object: rangeOf(unwrap(cfg.value)!) };
          }
        }
        if (left && /^(module\.)?exports\.(up|down)$/.test(left)) addFn(left.endsWith('up') ? 'up' : 'down', n.right);
        if (left && /^(module\.)?exports\.config$/.test(left) && unwrap(n.right)?.type === 'ObjectExpression') {
          facts.knexConfig = { transaction: literalValue(property(n.right, 'transaction')?.value), object: rangeOf(unwrap(n.right)!) };
        }
        break;
      }
      case 'Property':
        addFn(keyName(n), n.value);
        break;
      case 'MethodDefinition':
        if (n.key?.type === 'Identifier') addFn(n.key.name, n.value);
        break;
      case 'PropertyDefinition':
        if (keyName(n) === 'transaction' && !n.static) facts.classTransaction = literalValue(n.value);
        break;
      case 'ClassBody':
        facts.classBody ??= { start: rangeOf(n)[0], end: rangeOf(n)[1], firstMember: n.body[0] ? rangeOf(n.body[0])[0] : undefined };
        break;
      case 'CallExpression': {
        const c = chainOf(n.callee);
        if (c && /(^|\.)noTransaction$/.test(c)) facts.noTransaction = true;
        break;
      }
    }
  });
  const first = up[0];
  if (first) {
    const body = first.body;
    const expressionBody = body?.type !== 'BlockStatement';
    const [bs, be] = rangeOf(body);
    facts.up = {
      bodyStart: bs,
      bodyEnd: be,
      expressionBody,
      param: firstParamName(first),
      firstStatement: !expressionBody && body.body[0] ? rangeOf(body.body[0])[0] : undefined,
    };
  }
  return { facts, up, down };
}

/**
 * The one extractor over ESTree, for every JS/TS framework and for both parsers (oxc in the CLI, ESLint's own
 * AST in the plugin): SQL in string and template literals passed to raw-SQL calls, DSL operations through the
 * dialect, suppression comments, and the framework's execution model.
 */
export function extractJs(file: SourceFile, ctx: ExtractContext, dialect: JsDialect, hostAst?: unknown): MigrationUnit {
  const text = file.text;
  const notes: AdapterNote[] = [];
  const unit: MigrationUnit = { file, framework: dialect.id, items: [], directives: scanLineDirectives(text, '//'), notes };
  let program = hostAst as Node | undefined;
  if (!program) {
    const parsed = parseJs(file);
    if (!parsed.program) {
      notes.push({
        ruleId: 'parse-error',
        severity: 'error',
        message: `Could not parse this file as JavaScript/TypeScript: ${parsed.error?.message ?? 'syntax error'}`,
        span: parsed.error?.span ?? { start: 0, end: 0 },
      });
      return unit;
    }
    program = parsed.program;
  }

  const { facts, up, down } = gatherFacts(program, text);
  const skip = ctx.settings.includeDown ? [] : down.map((d) => rangeOf(d));
  const inDown = (n: Node): boolean => {
    const [s] = rangeOf(n);
    return skip.some(([a, b]) => s >= a && s < b);
  };
  const params = new Set<string>();
  for (const fn of [...up, ...down]) {
    const p = firstParamName(fn);
    if (p) params.add(p);
  }

  // const bindings with literal initializers, for `const sql = '…'; await knex.raw(sql)`.
  /** Every write to a name: declarators, `=` assignments, and (as unknowable) compound assignments and updates. */
  const writes = new Map<string, Node[]>();
  const addWrite = (name: string, n: Node): void => {
    writes.set(name, [...(writes.get(name) ?? []), n]);
  };
  const parents = new Map<Node, Node>();
  const calls: Node[] = [];
  walk(program, (n, parent) => {
    if (parent) parents.set(n, parent);
    if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier') addWrite(n.id.name, n);
    if (n.type === 'AssignmentExpression' && n.left?.type === 'Identifier') addWrite(n.left.name, n);
    if (n.type === 'UpdateExpression' && n.argument?.type === 'Identifier') addWrite(n.argument.name, n);
    if (n.type === 'CallExpression' || n.type === 'TaggedTemplateExpression') calls.push(n);
  });
  const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
  const ancestors = (n: Node): Node[] => {
    const out: Node[] = [];
    for (let p = parents.get(n); p; p = parents.get(p)) out.push(p);
    return out;
  };
  const isBlock = (n: Node | undefined): boolean => n?.type === 'BlockStatement' || n?.type === 'Program';
  /**
   * The value a name holds where it is used, when straight-line code fixes it: the variable is declared in a
   * block around the use, every write to it is a plain statement in a block around the use (not in a branch,
   * loop or other function), and the last write before the use gives the value. `const x = '…'` and
   * `let t; t = '…'; query(t)` both resolve; anything else does not.
   */
  const valueAt = (use: Node): Node | null => {
    const all = writes.get(use.name) ?? [];
    const around = ancestors(use);
    const aroundSet = new Set(around);
    const holderOf = (w: Node): Node | undefined => parents.get(parents.get(w)!);
    // The declaration in the nearest enclosing block that has one (a deeper one elsewhere is another variable).
    let scope: Node | undefined;
    for (const block of around) {
      if (!isBlock(block)) continue;
      const here = all.filter((w) => w.type === 'VariableDeclarator' && parents.get(w)?.type === 'VariableDeclaration' && holderOf(w) === block);
      if (here.length > 1) return null;
      if (here.length === 1) {
        scope = block;
        break;
      }
    }
    if (!scope) return null;
    let best: Node | null = null;
    for (const w of all) {
      const up = ancestors(w);
      if (!up.includes(scope)) continue;
      const holder = holderOf(w);
      if (w.type === 'VariableDeclarator' && !aroundSet.has(holder!)) continue; // a shadowing declaration elsewhere
      const direct =
        (w.type === 'VariableDeclarator' && isBlock(holder)) ||
        (w.type === 'AssignmentExpression' && w.operator === '=' && parents.get(w)?.type === 'ExpressionStatement' && isBlock(holder));
      if (!direct || !aroundSet.has(holder!)) return null;
      // A write inside a loop around the use may come after it in time.
      if (up.some((x) => LOOPS.has(x.type) && aroundSet.has(x))) return null;
      if (rangeOf(w)[0] < rangeOf(use)[0] && (!best || rangeOf(w)[0] > rangeOf(best)[0])) best = w;
    }
    if (!best) return null;
    return (best.type === 'VariableDeclarator' ? best.init : best.right) ?? null;
  };

  /** The loop's body is a try whose block, around `use`, ends in `return` or `break`: only one iteration completes. */
  const triesUntilSuccess = (loop: Node, use: Node): boolean => {
    const body: Node[] = loop.body?.type === 'BlockStatement' ? loop.body.body : [loop.body];
    const tryStmt = body.find((n) => n?.type === 'TryStatement');
    const last = tryStmt?.block?.body?.at(-1);
    return !!tryStmt && ancestors(use).includes(tryStmt.block) && (last?.type === 'ReturnStatement' || last?.type === 'BreakStatement');
  };

  /**
   * `for (const name of ['a', 'b'])` (or of a const array of literals): the values the loop variable takes, so a
   * statement pasting it is read once per value, as the loop runs it. Null for any other loop or binding.
   */
  const loopValues = (use: Node): Node[] | null => {
    if (use?.type !== 'Identifier' || valueAt(use)) return null;
    const decls = (writes.get(use.name) ?? []).filter((w) => w.type === 'VariableDeclarator' && !w.init);
    for (const d of decls) {
      const loop = parents.get(parents.get(d)!);
      if (loop?.type !== 'ForOfStatement' || loop.left !== parents.get(d) || !ancestors(use).includes(loop.body)) continue;
      const list = env.resolve(loop.right);
      if (list?.type !== 'ArrayExpression' || list.elements.length === 0 || list.elements.length > 50) return null;
      const literals = list.elements.every((e: Node | null) => e?.type === 'Literal' && (typeof e.value === 'string' || typeof e.value === 'number'));
      if (!literals) return null;
      // `for (…) { try { …; return; } catch { … } }`: the values are alternatives (Outline's cascade migrations try
      // each name a constraint may have): the loop ends with the first value whose statements all succeed.
      return triesUntilSuccess(loop, use) ? [list.elements[0]] : list.elements;
    }
    return null;
  };

  const env: ExtractEnv = {
    text,
    resolve(node) {
      let n = unwrap(node);
      for (let hops = 0; n && n.type === 'Identifier' && hops < 5; hops++) n = unwrap(valueAt(n));
      return n;
    },
    note(message, node, ruleId = 'unsupported-framework-construct') {
      const [start, end] = rangeOf(node);
      notes.push({ ruleId, message, span: { start, end }, severity: ruleId === 'parse-error' ? 'error' : 'info' });
    },
  };

  const mask = maskOptionsFor(dialect.id);
  const toPiece = (arg: Node, callName: string): SqlPiece | SqlPiece[] | null => {
    const parts: Node[] = [];
    const flatten = (n: Node): boolean => {
      const u = unwrap(n)!;
      if (u.type === 'BinaryExpression' && u.operator === '+') return flatten(u.left) && flatten(u.right);
      const r = env.resolve(u);
      if (r && r.type === 'Literal' && typeof r.value === 'string') {
        parts.push(r);
        return true;
      }
      if (r && r.type === 'TemplateLiteral') {
        parts.push(r);
        return true;
      }
      return false;
    };
    if (!flatten(arg)) {
      const u = unwrap(arg)!;
      env.note(
        u.type === 'BinaryExpression'
          ? `SQL built by concatenation with a value migralint cannot read is passed to ${callName}; it is not linted.`
          : `The SQL passed to ${callName} is not a literal migralint can read; it is not linted.`,
        arg,
      );
      return null;
    }
    // A loop variable over a constant list (one per statement): the statement once per value.
    const loopVars = new Map<string, Node[]>();
    for (const p of parts)
      for (const x of p.expressions ?? []) {
        const values = unwrap(x)?.type === 'Identifier' ? loopValues(unwrap(x)!) : null;
        if (values) loopVars.set(unwrap(x)!.name, values);
      }
    const loop = loopVars.size === 1 ? [...loopVars][0]! : undefined;
    const pieceWith = (loopValue?: Node): SqlPiece =>
      concatPieces(
        parts.map((p) => {
          const [s, e] = rangeOf(p);
          if (p.type === 'Literal') return stringPiece(text, s, e);
          // Outside a `sql` tag a `${…}` is pasted into the text: known when it names a const string or number.
          const pasted = (p.expressions ?? []).map((x: Node) => {
            const v = loop && unwrap(x)?.type === 'Identifier' && unwrap(x)!.name === loop[0] ? loopValue : env.resolve(x);
            return v?.type === 'Literal' && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined;
          });
          return templatePiece(
            text,
            { start: s, end: e },
            p.quasis.map((q: Node) => ({ start: rangeOf(q)[0], end: rangeOf(q)[1] })),
            1,
            pasted,
          );
        }),
      );
    return loop ? loop[1].map((v) => pieceWith(v)) : pieceWith();
  };

  const { exec, assumption } = dialect.exec(facts, ctx);
  unit.assumption = assumption;
  const origin = { js: facts };
  const items: Array<{ at: number; item: UnitItem }> = [];
  /** `bound`: a `sql` tagged template, whose `${…}` are bound parameters; elsewhere a `${…}` is pasted into the SQL text. */
  const addSql = (piece: SqlPiece | SqlPiece[] | null, node: Node, callName: string, bound: boolean): void => {
    if (!piece) return;
    if (Array.isArray(piece)) {
      // The same statement per value: one note, not one per value, when it cannot be read.
      const before = notes.length;
      for (const p of piece) if (notes.length === before) addSql(p, node, callName, bound);
      return;
    }
    if (piece.placeholders > 0 && !bound) {
      env.note(
        `${callName}: a \`\${…}\` pastes a value into the SQL text, so what runs cannot be read; it is not linted. Pass values as bindings (\`?\`, \`:name\`) or use a \`sql\` tagged template.`,
        node,
      );
      return;
    }
    if (piece.placeholders > 0 && parseChunk(maskSql(piece.text, mask)).errors.length > 0) {
      env.note(`${callName}: a \`\${…}\` stands where the SQL needs a name or keyword, so the statement cannot be read; it is not linted.`, node);
      return;
    }
    items.push({
      at: rangeOf(node)[0],
      item: {
        kind: 'sql',
        text: piece.text,
        segments: piece.segments,
        literals: piece.literals,
        exec,
        origin: { ...origin, call: callName, callRange: rangeOf(node) },
      },
    });
  };
  const extra = Array.isArray(ctx.settings.frameworkOptions?.[dialect.id]?.callees) ? (ctx.settings.frameworkOptions![dialect.id]!.callees as string[]) : [];

  for (const call of calls) {
    if (inDown(call) || inOtherDatabaseBranch(call, parents)) continue;
    if (call.type === 'TaggedTemplateExpression') {
      const tag = chainOf(call.tag);
      // sql`…`; slonik's sql.unsafe`…`, sql.type(T)`…` and sql.typeAlias('x')`…`: SQL text whose ${…} are bound values.
      if (!SQL_TAGS.has(tag ?? '') && !extra.includes(tag ?? '')) continue;
      if (!isExecuted(call, parents)) continue;
      const q = call.quasi;
      const [s, e] = rangeOf(q);
      addSql(
        templatePiece(
          text,
          { start: s, end: e },
          q.quasis.map((x: Node) => ({ start: rangeOf(x)[0], end: rangeOf(x)[1] })),
        ),
        call,
        `${tag}\`…\``,
        true,
      );
      continue;
    }
    const chain = chainOf(call.callee);
    if (chain && isSqlCallee(chain, params, extra) && call.arguments.length > 0) {
      if (!isExecuted(call, parents)) continue;
      if (dialect.lazy && standsAlone(call, parents)) {
        env.note(`${chain}(…) is neither awaited nor returned: it builds a query that is never sent, so it is not linted. Await it if it should run.`, call);
        continue;
      }
      addSql(toPiece(call.arguments[0], chain), call, chain, false);
      continue;
    }
    const ops = dialect.operations?.(call, env);
    if (ops) {
      for (const op of ops) {
        const [start, end] = rangeOf(op.at);
        items.push({ at: start, item: { kind: 'operation', sql: op.sql, span: { start, end }, exec, call: op.call, origin: { ...origin, ...op.origin } } });
      }
    }
  }
  items.sort((a, b) => a.at - b.at);
  unit.items = items.map((i) => i.item);
  facts.itemCount = unit.items.length;
  return unit;
}

/** SQL identifier as PostgreSQL needs it written (reserved words, upper case and quotes are quoted). */
export { quoteIdent as ident } from '../../sql/quote.js';

/** `public.order` → `public."order"`: a dotted name is schema and table, as Knex and Sequelize read it. */
export function qualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** Column names as a SQL list: `a, "userId"`. */
export function cols(list: string[]): string {
  return list.map(quoteIdent).join(', ');
}

/** An argument that is (or names a constant that is) a string literal; undefined otherwise. */
export function stringArg(env: ExtractEnv, node: Node | undefined): string | undefined {
  const v = literalValue(env.resolve(node));
  return typeof v === 'string' ? v : undefined;
}

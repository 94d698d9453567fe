import { createRequire } from 'node:module';
import type { Language, Parser } from 'web-tree-sitter';

/**
 * Python syntax trees from tree-sitter-python (WASM): no Python interpreter runs, and migration code is never
 * executed. The grammar is loaded once per process (`await loadPython()`); parsing is synchronous after that.
 * Each tree is copied into plain objects; only the last one is kept in WASM memory (see treeSitterGrammar).
 */
export interface PyNode {
  type: string;
  /** UTF-16 offsets into the file text (web-tree-sitter reports string input in UTF-16 units). */
  start: number;
  end: number;
  named: boolean;
  /** The grammar's field name of this node in its parent (`function`, `arguments`, `name`, `value` …). */
  field: string | null;
  children: PyNode[];
  /** An ERROR node, or a token the parser had to invent (MISSING). */
  error: boolean;
  parent: PyNode | null;
}

/**
 * A grammar's WASM file (`<package>/<file>.wasm`): from its npm package, else the copy a release commit carries in
 * dist/grammars/. The release (what a pre-commit hook installs, scripts/release-commit.mjs) leaves the grammar
 * packages out: beside the WASM they hold native builds and C sources (35 MB) that nothing here loads.
 */
export function grammarFile(wasm: string): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(wasm);
  } catch (error) {
    let root: string;
    try {
      // migralint's own folder, found from any module in it (dist/cli.cjs or dist/src/…) by its package name.
      root = require.resolve('migralint/package.json').slice(0, -'package.json'.length);
    } catch {
      throw error;
    }
    return `${root}dist/grammars/${wasm.slice(wasm.lastIndexOf('/') + 1)}`;
  }
}

type Tree = NonNullable<ReturnType<Parser['parse']>>;

/**
 * The one edit that turns `before` into `after` (their common start and end kept), in UTF-16 units and rows and
 * columns, and how many units of `after` it keeps; never splitting a surrogate pair.
 */
function editBetween(before: string, after: string) {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // A pair's high half at the edit's start, or its low half at the end: the edit takes the whole pair.
  if (start > 0 && isHigh(after.charCodeAt(start - 1))) start--;
  if (tail > 0 && isLow(after.charCodeAt(after.length - tail))) tail--;
  const point = (text: string, at: number) => {
    let row = 0;
    let lineStart = 0;
    for (let nl = text.indexOf('\n'); nl >= 0 && nl < at; nl = text.indexOf('\n', nl + 1)) {
      row++;
      lineStart = nl + 1;
    }
    return { row, column: at - lineStart };
  };
  const startPosition = point(after, start);
  return {
    kept: start + tail,
    edit: {
      startIndex: start,
      oldEndIndex: before.length - tail,
      newEndIndex: after.length - tail,
      startPosition,
      oldEndPosition: point(before, before.length - tail),
      newEndPosition: point(after, after.length - tail),
    },
  };
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * One tree-sitter grammar: loaded once per process from its package's WASM (`load()`), then parsing is synchronous.
 * Each tree is copied into plain nodes. Python and Ruby (src/sources/ruby/tree.ts) both use it.
 *
 * The last tree without errors is kept (one per grammar, freed by the next parse): a text that is mostly the same
 * (the parse guard's re-extraction of a file with a fix applied, src/engine/lint.ts) is parsed incrementally from
 * it, tree-sitter re-reading only what the edit touched. A tree with errors is never kept, and a text that parses
 * with errors from the kept tree is parsed again from nothing: where tree-sitter's error recovery puts an ERROR
 * node is then what a first parse gives.
 */
export function treeSitterGrammar(wasm: string, language: string, loadName: string) {
  let parser: Parser | undefined;
  let loading: Promise<void> | undefined;
  let last: { text: string; tree: Tree } | undefined;
  /** The text's tree: incrementally from the last tree when at least half the text is unchanged. */
  const treeOf = (p: Parser, text: string): Tree | null => {
    const before = last;
    last = undefined;
    if (!before) return p.parse(text);
    try {
      const { kept, edit } = editBetween(before.text, text);
      if (kept * 2 < text.length) return p.parse(text);
      // Tree.edit reads the six fields (web-tree-sitter's Edit class adds methods for points, not used here).
      before.tree.edit(edit as Parameters<Tree['edit']>[0]);
      const tree = p.parse(text, before.tree);
      if (!tree?.rootNode.hasError) return tree;
      tree.delete();
      return p.parse(text);
    } finally {
      before.tree.delete();
    }
  };
  return {
    load(): Promise<void> {
      loading ??= (async () => {
        // Imported on first use: a run whose files need no grammar never loads tree-sitter.
        const { Language, Parser } = await import('web-tree-sitter');
        await Parser.init();
        const language = await Language.load(grammarFile(wasm));
        const p = new Parser();
        p.setLanguage(language);
        parser = p;
      })();
      return loading;
    },
    ready: (): boolean => parser !== undefined,
    parse(text: string): PyNode {
      if (!parser) throw new Error(`${language} parser not loaded: await ${loadName}() first`);
      const tree = treeOf(parser, text);
      if (!tree) throw new Error('tree-sitter returned no tree');
      let keep = false;
      try {
        const hasError = tree.rootNode.hasError;
        const cursor = tree.walk();
        try {
          // MISSING nodes exist only in a tree with errors: asking each node is skipped otherwise.
          const root = copy(cursor, null, hasError);
          keep = !hasError;
          return root;
        } finally {
          cursor.delete();
        }
      } finally {
        if (keep) last = { text, tree };
        else tree.delete();
      }
    },
  };
}

const python = treeSitterGrammar('tree-sitter-python/tree-sitter-python.wasm', 'Python', 'loadPython');

/** Loads web-tree-sitter and the Python grammar once per process. */
export function loadPython(): Promise<void> {
  return python.load();
}

export function pythonReady(): boolean {
  return python.ready();
}

/** Parses Python source into plain nodes. Throws if loadPython() was not awaited first. */
export function parsePython(text: string): PyNode {
  // tree-sitter's Python grammar does not end lines at a lone CR (old Mac line endings), which Python does.
  // A CR becomes an LF of the same length, so offsets stay those of the file.
  return python.parse(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);
}

export type Cursor = ReturnType<NonNullable<ReturnType<Parser['parse']>>['walk']>;

/** Per grammar: whether each node type id is named (a property of the type, asked of the grammar once). */
const namedTypes = new WeakMap<object, boolean[]>();

/**
 * A tree-sitter tree (any grammar) as plain nodes, from a cursor at its root. Each cursor property is a call
 * into WASM, so only four are asked per node (type id, start, end, field id): names and namedness come from the
 * grammar's tables, and MISSING only when the tree has errors (`mayMiss`).
 */
export function copy(cursor: Cursor, parent: PyNode | null, mayMiss = true): PyNode {
  const language = (cursor as unknown as { tree: { language: Language } }).tree.language;
  let named = namedTypes.get(language);
  if (!named) namedTypes.set(language, (named = []));
  return copyNode(cursor, parent, mayMiss, language, named);
}

function copyNode(cursor: Cursor, parent: PyNode | null, mayMiss: boolean, language: Language, named: boolean[]): PyNode {
  const id = cursor.nodeTypeId;
  const type = language.types[id] || 'ERROR';
  const node: PyNode = {
    type,
    start: cursor.startIndex,
    end: cursor.endIndex,
    named: (named[id] ??= type === 'ERROR' || language.nodeTypeIsNamed(id)),
    field: language.fields[cursor.currentFieldId] ?? null,
    children: [],
    error: type === 'ERROR' || (mayMiss && cursor.nodeIsMissing),
    parent,
  };
  if (cursor.gotoFirstChild()) {
    do node.children.push(copyNode(cursor, node, mayMiss, language, named));
    while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }
  return node;
}

/** The first ERROR or MISSING node in document order. */
export function firstError(node: PyNode): PyNode | null {
  if (node.error) return node;
  for (const c of node.children) {
    const e = firstError(c);
    if (e) return e;
  }
  return null;
}

export function hasError(node: PyNode): boolean {
  return firstError(node) !== null;
}

export function child(node: PyNode, field: string): PyNode | undefined {
  return node.children.find((c) => c.field === field);
}

export function namedChildren(node: PyNode): PyNode[] {
  return node.children.filter((c) => c.named && c.type !== 'comment');
}

export function textOf(src: string, node: PyNode): string {
  return src.slice(node.start, node.end);
}

/** `op.create_index`, `migrations.AddIndex`, `op.get_context().autocommit_block` (calls shown as `()`). */
export function dottedName(src: string, node: PyNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return textOf(src, node);
  if (node.type === 'attribute') {
    const obj = dottedName(src, child(node, 'object'));
    const attr = child(node, 'attribute');
    return obj !== undefined && attr ? `${obj}.${textOf(src, attr)}` : undefined;
  }
  if (node.type === 'call') {
    const fn = dottedName(src, child(node, 'function'));
    return fn === undefined ? undefined : `${fn}()`;
  }
  return undefined;
}

/** Positional and keyword arguments of a call. */
export interface CallArgs {
  positional: PyNode[];
  keywords: Map<string, PyNode>;
  /** `*args` / `**kwargs` present: the call's arguments are not all visible. */
  splat: boolean;
  list: PyNode | undefined;
}

export function callArgs(src: string, call: PyNode): CallArgs {
  const list = child(call, 'arguments');
  const out: CallArgs = { positional: [], keywords: new Map(), splat: false, list };
  for (const a of list ? namedChildren(list) : []) {
    if (a.type === 'keyword_argument') {
      const name = child(a, 'name');
      const value = child(a, 'value');
      if (name && value) out.keywords.set(textOf(src, name), value);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') out.splat = true;
    else out.positional.push(a);
  }
  return out;
}

/** The argument at `position` or named `name`. */
export function arg(args: CallArgs, position: number, name: string): PyNode | undefined {
  return args.keywords.get(name) ?? (position >= 0 ? args.positional[position] : undefined);
}

/** The Python statement (a child of a block or the module) that holds `node`. */
export function enclosingStatement(node: PyNode): PyNode {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}

export function walk(node: PyNode, visit: (n: PyNode) => boolean | void): void {
  if (visit(node) === false) return;
  for (const c of node.children) walk(c, visit);
}

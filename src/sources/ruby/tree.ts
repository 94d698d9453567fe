import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { copy, type PyNode } from '../python/tree.js';

/**
 * Ruby syntax trees from tree-sitter-ruby (WASM), loaded like the Python grammar: no Ruby runs, and migration code
 * is never executed. Nodes are the same plain shape as Python's (type, UTF-16 offsets, field, children, error), so
 * the tree helpers of src/sources/python/tree.ts (child, namedChildren, textOf, walk, firstError) serve both.
 */
export type RbNode = PyNode;

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads web-tree-sitter and the Ruby grammar once per process. */
export function loadRuby(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-ruby/tree-sitter-ruby.wasm');
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  return loading;
}

/** Parses Ruby source into plain nodes. Throws if loadRuby() was not awaited first. */
export function parseRuby(text: string): RbNode {
  if (!parser) throw new Error('Ruby parser not loaded: await loadRuby() first');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const cursor = tree.walk();
    try {
      return copy(cursor, null);
    } finally {
      cursor.delete();
    }
  } finally {
    tree.delete();
  }
}

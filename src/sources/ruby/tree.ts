import { treeSitterGrammar, type PyNode } from '../python/tree.js';

/**
 * Ruby syntax trees from tree-sitter-ruby (WASM), loaded like the Python grammar: no Ruby runs, and migration code
 * is never executed. Nodes are the same plain shape as Python's (type, UTF-16 offsets, field, children, error), so
 * the tree helpers of src/sources/python/tree.ts (child, namedChildren, textOf, walk, firstError) serve both.
 */
export type RbNode = PyNode;

const ruby = treeSitterGrammar('tree-sitter-ruby/tree-sitter-ruby.wasm', 'Ruby', 'loadRuby');

/** Loads web-tree-sitter and the Ruby grammar once per process. */
export function loadRuby(): Promise<void> {
  return ruby.load();
}

/** Parses Ruby source into plain nodes. Throws if loadRuby() was not awaited first. */
export function parseRuby(text: string): RbNode {
  return ruby.parse(text);
}

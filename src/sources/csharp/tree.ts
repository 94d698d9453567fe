import { treeSitterGrammar, type PyNode } from '../python/tree.js';

/**
 * C# syntax trees from tree-sitter-c-sharp (WASM), loaded like the Python and Ruby grammars: no .NET runs, and
 * migration code is never executed. Nodes have the plain shape of src/sources/python/tree.ts, whose helpers
 * (child, namedChildren, walk, firstError) serve every grammar.
 */
export type CsNode = PyNode;

const csharp = treeSitterGrammar('tree-sitter-c-sharp/tree-sitter-c_sharp.wasm', 'C#', 'loadCSharp');

/** Loads web-tree-sitter and the C# grammar once per process. */
export function loadCSharp(): Promise<void> {
  return csharp.load();
}

/** Parses C# source into plain nodes. Throws if loadCSharp() was not awaited first. */
export function parseCSharp(text: string): CsNode {
  return csharp.parse(text);
}

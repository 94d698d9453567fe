import { treeSitterGrammar, type PyNode } from '../python/tree.js';

/**
 * PHP syntax trees from tree-sitter-php (WASM), loaded like the Python and Ruby grammars: no PHP runs, and
 * migration code is never executed. Nodes are the same plain shape, so the tree helpers of
 * src/sources/python/tree.ts serve PHP too.
 */
export type PhpNode = PyNode;

const php = treeSitterGrammar('tree-sitter-php/tree-sitter-php.wasm', 'PHP', 'loadPhp');

/** Loads web-tree-sitter and the PHP grammar once per process. */
export function loadPhp(): Promise<void> {
  return php.load();
}

/** Parses PHP source (a file starting with `<?php`) into plain nodes. Throws if loadPhp() was not awaited first. */
export function parsePhp(text: string): PhpNode {
  return php.parse(text);
}

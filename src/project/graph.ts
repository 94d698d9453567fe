import type { OrderWarning } from '../frameworks/types.js';

/** Topological order of nodes with parents, ties by name; cycles reported and broken in name order. */
export function topo(nodes: Map<string, { file: string; parents: string[] }>, warnings: OrderWarning[], what: string): string[] {
  const order: string[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const names = [...nodes.keys()].sort((a, b) => (nodes.get(a)!.file < nodes.get(b)!.file ? -1 : 1));
  const cycles = new Set<string>();
  const visit = (n: string, stack: string[]): void => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'active') {
      const loop = stack.slice(stack.indexOf(n));
      const file = nodes.get(n)!.file;
      if (!cycles.has(file)) {
        cycles.add(file);
        warnings.push({
          file,
          message: `the ${what} graph has a cycle (${[...loop, n].join(' → ')}): the tool cannot order these migrations; migralint replays them in file-name order`,
        });
      }
      return;
    }
    state.set(n, 'active');
    for (const p of nodes.get(n)!.parents) if (nodes.has(p)) visit(p, [...stack, n]);
    state.set(n, 'done');
    order.push(nodes.get(n)!.file);
  };
  for (const n of names) visit(n, []);
  return order;
}

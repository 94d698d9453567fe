import type { FrameworkId } from '../types.js';
import type { FrameworkAdapter } from './adapter.js';
import { psqlAdapter } from './psql.js';

/** Every framework adapter, by id. A framework is one adapter. */
export const ADAPTERS: Partial<Record<FrameworkId, FrameworkAdapter>> = {
  psql: psqlAdapter,
};

export function adapterFor(id: FrameworkId): FrameworkAdapter {
  return ADAPTERS[id] ?? psqlAdapter;
}

export function knownFrameworks(): FrameworkId[] {
  return Object.keys(ADAPTERS) as FrameworkId[];
}

/** Which framework a file belongs to, from its path and content. Plain psql when nothing else matches. */
export function detectFramework(filePath: string, _text: string): FrameworkId {
  void filePath;
  return 'psql';
}

import type { FrameworkAdapter } from '../../sources/adapter.js';
import { extractEfCore } from './extract.js';
import { escapeTransaction, insertBefore, rewriteOperation } from './fixes.js';

/** EF Core: extraction from the C# syntax tree, and fixes in the migration's own terms. */
export const efCoreAdapter: FrameworkAdapter = {
  id: 'ef-core',
  name: 'EF Core',
  commentPrefix: '//',
  extract: extractEfCore,
  escapeTransaction,
  rewriteOperation,
  insertBefore,
};

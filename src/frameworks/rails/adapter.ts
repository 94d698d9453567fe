import type { FrameworkAdapter } from '../../sources/adapter.js';
import { extractRails } from './extract.js';
import { escapeTransaction, insertBefore, notValidOperation, rewriteOperation } from './fixes.js';

/** Rails (ActiveRecord): extraction from the Ruby syntax tree, and fixes in the migration's own terms. */
export const railsAdapter: FrameworkAdapter = {
  id: 'rails',
  name: 'Rails',
  commentPrefix: '#',
  extract: extractRails,
  escapeTransaction,
  rewriteOperation,
  insertBefore,
  notValidOperation,
};

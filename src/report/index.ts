import { format as json } from './json.js';
import { format as stylish } from './stylish.js';
import type { Formatter } from './types.js';

/** Output formats by name (--format). */
export const FORMATTERS: Record<string, Formatter> = {
  stylish,
  json,
};

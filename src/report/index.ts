import { format as compact } from './compact.js';
import { format as github } from './github.js';
import { format as gitlab } from './gitlab.js';
import { format as json } from './json.js';
import { format as junit } from './junit.js';
import { format as markdown } from './markdown.js';
import { format as sarif } from './sarif.js';
import { format as stylish } from './stylish.js';
import type { Formatter } from './types.js';

/** Output formats by name (--format). */
export const FORMATTERS: Record<string, Formatter> = {
  stylish,
  json,
  sarif,
  github,
  gitlab,
  junit,
  compact,
  markdown,
};

/** Formats for programs: their stdout carries the report and nothing else. */
export const MACHINE_FORMATS = new Set(['json', 'sarif', 'gitlab', 'junit', 'markdown']);

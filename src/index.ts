/** migralint's programmatic API: the same pipeline the CLI and the ESLint plugin use. */
export { lintSource, DEFAULT_SETTINGS, type LintOptions } from './engine/lint.js';
export { lintText, fixText, type LintTextOptions } from './engine/lint-text.js';
export { fixToFixedPoint, applyEdits } from './engine/apply.js';
export { loadParser } from './sql/parse.js';
export { Catalog, type StatsSnapshot } from './catalog/catalog.js';
export { RULES, ALL_RULE_META } from '../rules/index.js';
export { main } from './cli/main.js';
export type * from './types.js';

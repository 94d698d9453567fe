/**
 * migralint's ESLint plugin (`migralint/eslint`): the `migralint/sql` language for `.sql` migrations, one rule
 * per migralint rule for SQL and JS/TS migration files, and `configs.recommended`, `configs.strict`, `configs.all`.
 *
 * ESLint rules run synchronously, but PostgreSQL's parser (libpg-query, WASM) loads asynchronously. This ES
 * module therefore awaits the parser at top level: ESLint's `import()` of the plugin (flat config loading is
 * async) resolves only once the parser is ready, so every rule can lint synchronously. ESLint ≥ 9.15 loads
 * flat configs with `import()`, never `require()`, so the top-level await is always honoured.
 */
import { migralintVersion } from '../version.js';
import { loadParser } from '../sql/parse.js';
import { sqlLanguage } from './language.js';
import { PRESETS } from '../engine/presets.js';
import { eslintRules, presetRules } from './rules.js';

await loadParser();

const MIGRATION_FILES = ['**/migrations/**/*.{js,cjs,mjs,ts,cts,mts}', '**/migration/**/*.{js,cjs,mjs,ts,cts,mts}', '**/db/migrate/**/*.{js,cjs,mjs,ts,cts,mts}'];

const plugin = {
  meta: { name: 'migralint', version: migralintVersion() ?? '0.0.0' },
  languages: { sql: sqlLanguage },
  rules: eslintRules,
  configs: {} as Record<string, unknown>,
};

// One config per preset. `settings.migralint.preset` tells the shared core which preset the rules come from, so
// a rule whose scope differs between presets (prefer-bigint-over-int) reports what this config asks for.
for (const preset of PRESETS) {
  const rules = presetRules(preset);
  const settings = { migralint: { preset } };
  plugin.configs[preset] = [
    { name: `migralint/${preset}/sql`, files: ['**/*.sql'], plugins: { migralint: plugin }, language: 'migralint/sql', rules, settings },
    { name: `migralint/${preset}/js`, files: MIGRATION_FILES, plugins: { migralint: plugin }, rules, settings },
  ];
}

export { sqlLanguage, eslintRules as rules };
export default plugin;

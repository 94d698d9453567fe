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
import { loadPython } from '../sources/python/tree.js';
import { pythonLanguage, sqlLanguage } from './language.js';
import { preloadJsConfigs } from './config.js';
import { PRESETS } from '../engine/presets.js';
import { escalateBySize, eslintRules, presetRules } from './rules.js';

// Python migrations (Alembic, Django) are read with tree-sitter, whose grammar loads asynchronously too.
// migralint.config.js / .mjs (imported asynchronously) from the folder ESLint runs in and its parents.
await Promise.all([loadParser(), loadPython(), preloadJsConfigs()]);

const MIGRATION_FILES = [
  '**/migrations/**/*.{js,cjs,mjs,ts,cts,mts}',
  '**/migration/**/*.{js,cjs,mjs,ts,cts,mts}',
  '**/db/migrate/**/*.{js,cjs,mjs,ts,cts,mts}',
];

const PYTHON_MIGRATION_FILES = ['**/migrations/*.py', '**/versions/*.py'];

/**
 * Size-aware severity: in the CLI a size-aware rule's finding on a large table is an error, whatever the rule's
 * configured severity. ESLint rules cannot choose a message's severity, so this processor (set by every preset
 * config) raises those messages once the rules have run. It passes the text through unchanged, and fixes with it.
 */
const sizeAware = {
  meta: { name: 'migralint/size-aware', version: migralintVersion() ?? '0.0.0' },
  preprocess: (text: string) => [text],
  postprocess: (messages: Parameters<typeof escalateBySize>[0][], filename: string) => escalateBySize(messages.flat(), filename),
  supportsAutofix: true,
};

const plugin = {
  meta: { name: 'migralint', version: migralintVersion() ?? '0.0.0' },
  languages: { sql: sqlLanguage, python: pythonLanguage },
  processors: { 'size-aware': sizeAware },
  rules: eslintRules,
  configs: {} as Record<string, unknown>,
};

/**
 * ESLint's own rules are JavaScript rules: a config that turns them on for every file (js.configs.recommended
 * without `files`) would run them on SQL and Python, where they fail. The SQL and Python entries turn them off.
 */
async function builtinRulesOff(): Promise<Record<string, 'off'>> {
  try {
    const { builtinRules } = (await import('eslint/use-at-your-own-risk')) as { builtinRules: Map<string, unknown> };
    return Object.fromEntries([...builtinRules.keys()].map((id) => [id, 'off' as const]));
  } catch {
    return {};
  }
}
const jsRulesOff = await builtinRulesOff();

// One config per preset. `settings.migralint.preset` tells the shared core which preset the rules come from, so
// a rule whose scope differs between presets (prefer-bigint-over-int) reports what this config asks for.
for (const preset of PRESETS) {
  const rules = presetRules(preset);
  const sqlRules = { ...jsRulesOff, ...rules };
  const settings = { migralint: { preset } };
  plugin.configs[preset] = [
    {
      name: `migralint/${preset}/sql`,
      files: ['**/*.sql'],
      plugins: { migralint: plugin },
      language: 'migralint/sql',
      processor: 'migralint/size-aware',
      rules: sqlRules,
      settings,
    },
    { name: `migralint/${preset}/js`, files: MIGRATION_FILES, plugins: { migralint: plugin }, processor: 'migralint/size-aware', rules, settings },
    {
      name: `migralint/${preset}/python`,
      files: PYTHON_MIGRATION_FILES,
      ignores: ['**/__init__.py'],
      plugins: { migralint: plugin },
      language: 'migralint/python',
      processor: 'migralint/size-aware',
      rules: sqlRules,
      settings,
    },
  ];
}

export { pythonLanguage, sqlLanguage, eslintRules as rules };
export default plugin;

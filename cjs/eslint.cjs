'use strict';
// require("migralint/eslint") lands here. The plugin is an ES module that awaits PostgreSQL's parser and the
// Python grammar at top level (ESLint rules are synchronous, the WASM loads are not), and require() cannot wait
// for that: say what works instead of Node's ERR_REQUIRE_ASYNC_MODULE.
const error = new Error(
  'migralint/eslint is an ES module that loads its parsers with top-level await, which require() cannot wait for. ' +
    'Name your ESLint config eslint.config.mjs and write `import migralint from "migralint/eslint";` ' +
    '(or, in a CommonJS config, `module.exports = import("migralint/eslint").then(({ default: migralint }) => [...migralint.configs.recommended]);`).',
);
error.code = 'MIGRALINT_ESM_ONLY';
throw error;

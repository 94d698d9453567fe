// `npm install` in a clone builds dist/ with the development tools. Without them (pre-commit or `npm install -g`
// of an untagged commit) the build cannot run: say what to do instead of "tsc: not found".
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  console.error(
    'migralint: this commit carries no build and the development tools are not installed.\n' +
      'Install a release instead: in .pre-commit-config.yaml use a release tag as `rev` (for example v0.1.0), whose commit carries dist/;\n' +
      'from a clone, run `npm ci` (it installs the tools and builds).',
  );
  process.exit(1);
}
execSync('npm run build', { stdio: 'inherit' });

// A development clone (a git checkout, installed in place): the tools the tests use beside npm's packages, a current
// pre-commit and Django (from pip, in virtualenvs under node_modules/.cache), are set up now, so `npm test` needs
// nothing more (.ci/test-tools --user; Debian packages it can only name). Only when npm was run in this folder
// (INIT_CWD: not when another project installs migralint from git, which npm prepares in a clone of its own), and
// not in pre-commit's own install of the hook (its node environment sets NODE_VIRTUAL_ENV) nor a global install.
const here = process.env.INIT_CWD !== undefined && path.resolve(process.env.INIT_CWD) === process.cwd();
if (here && existsSync('.git') && existsSync('.ci/test-tools') && !process.env.NODE_VIRTUAL_ENV && process.env.npm_config_global !== 'true') {
  const tools = spawnSync('bash', ['.ci/test-tools', '--user'], { stdio: 'inherit' });
  if (tools.status !== 0) console.error('migralint: the tools some tests use are not all set up (above); migralint itself is installed.');
}

// `npm install` in a clone builds dist/ with the development tools. Without them (pre-commit or `npm install -g`
// of an untagged commit) the build cannot run: say what to do instead of "tsc: not found".
import { execSync } from 'node:child_process';
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

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' }).status === 0;
}

/**
 * Checks that a command the tests need from a system package is there, and fails with how to install it
 * otherwise. Tests install nothing themselves: `.ci/test-tools` (run by `.ci/run`) does.
 */
export function requireDebianTool(command: string, pkg = command): void {
  if (onPath(command)) return;
  throw new Error(`\`${command}\` is not installed; the tests need it: run \`sudo apt-get install ${pkg}\` (or \`.ci/test-tools\` as root)`);
}

/** Where `.ci/test-tools` puts a current pre-commit (4.x, from pip) in a virtualenv of its own. */
export const PRE_COMMIT_4 = path.join(root, 'node_modules', '.cache', 'migralint-test-tools', 'pre-commit-4', 'bin', 'pre-commit');

/** The current pre-commit's command; fails with how to install it when it is missing. */
export function requirePreCommit4(): string {
  if (existsSync(PRE_COMMIT_4)) return PRE_COMMIT_4;
  throw new Error(
    `the tests need a current pre-commit (4.x) at ${PRE_COMMIT_4}: run \`.ci/test-tools\` (it makes a virtualenv there and installs pre-commit with pip; needs python3-venv)`,
  );
}

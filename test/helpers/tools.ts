import { execFileSync, spawnSync } from 'node:child_process';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/**
 * Makes sure a Debian package's command is there (the test setup installs it where missing, as root).
 * Throws with the reason when it cannot, so the test fails rather than passing without it.
 */
export function ensureDebianTool(command: string, pkg = command): void {
  if (onPath(command)) return;
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let r = install();
  if (r.status !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    r = install();
  }
  if (r.status !== 0 || !onPath(command)) throw new Error(`cannot install the Debian package ${pkg} for \`${command}\`: ${r.stderr || r.error?.message}`);
}

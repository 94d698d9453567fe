import { chmodSync, chownSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';

/** A file --fix did not write, with the reason in words (one message for that file; the run goes on). */
export class WriteRefused extends Error {}

/**
 * Writes a fixed file the way an editor saves it:
 *  - through a symlink to the real file (the link stays a link, its target is fixed);
 *  - refusing a read-only file;
 *  - only when the file is still, byte for byte, what was read (an edit made meanwhile is never overwritten);
 *  - through a temp file and an atomic rename, with the original's mode and owner; a file with several hard
 *    links is written in place instead, so every link keeps seeing the fixed text.
 * `expected` is the file's content as read (null when it did not exist: a new file beside the migration).
 */
export function writeFixed(file: string, expected: string | null, text: string): void {
  let real = file;
  let stat: Stats | undefined;
  try {
    real = realpathSync(file);
    stat = statSync(real);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new WriteRefused(`cannot read it back: ${(error as Error).message}`);
  }
  if (stat) {
    if ((stat.mode & 0o222) === 0) throw new WriteRefused('the file is read-only; not fixed (make it writable to apply the fixes)');
    const now = readFileSync(real, 'utf8');
    if (expected !== null && now !== expected) throw new WriteRefused('the file changed while migralint was fixing it; not fixed (run --fix again)');
  } else if (expected !== null) {
    throw new WriteRefused('the file vanished while migralint was fixing it; not fixed');
  }
  try {
    if (stat && stat.nlink > 1) {
      // Same inode, so every hard link sees the fixed text (a rename would leave the others on the old one).
      writeFileSync(real, text, 'utf8');
      return;
    }
    const tmp = path.join(path.dirname(real), `.${path.basename(real)}.migralint-${process.pid}.tmp`);
    try {
      writeFileSync(tmp, text, 'utf8');
      if (stat) {
        chmodSync(tmp, stat.mode & 0o7777);
        if (process.getuid?.() === 0 || stat.uid !== process.getuid?.() || stat.gid !== process.getgid?.()) {
          try {
            chownSync(tmp, stat.uid, stat.gid);
          } catch {
            /* not permitted: the file keeps the writer's owner, as an editor's save would */
          }
        }
      }
      // The last moment to notice an edit made meanwhile.
      if (stat && expected !== null && readFileSync(real, 'utf8') !== expected)
        throw new WriteRefused('the file changed while migralint was fixing it; not fixed (run --fix again)');
      renameSync(tmp, real);
    } catch (error) {
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing to clean */
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof WriteRefused) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOSPC'
          ? 'no space left on the device'
          : code === 'EROFS'
            ? 'read-only file system'
            : (error as Error).message;
    throw new WriteRefused(`cannot write it: ${why}; not fixed`);
  }
}

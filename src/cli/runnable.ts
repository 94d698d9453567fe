/**
 * What wants a core right now, for the choice of worker threads (parallel.ts threadCount). The load average is a
 * decaying mean over a minute: it counts runs that have ended, this tool's own previous run first of all (two lints in
 * a row on a quiet 2-core machine: the second saw a load of about 1 and ran on one thread). Linux tells the present
 * too: /proc/loadavg's fourth field counts the scheduling entities (threads) runnable at this instant, this process's
 * own among them; those of this process are read from /proc/self/task (V8's background threads are at times runnable
 * as well). Two small reads of procfs, no sampling.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Threads runnable now: on the whole machine, and of this process (this thread included). */
export interface Runnable {
  all: number;
  own: number;
}

/** The runnable count of /proc/loadavg's text (`0.52 0.58 0.59 3/467 12345`: 3), or undefined when not of that form. */
export function runnableOfLoadavg(text: string): number | undefined {
  const m = /^\d+\.\d+ \d+\.\d+ \d+\.\d+ (\d+)\/\d+ \d+\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Whether a thread's /proc/<pid>/task/<tid>/stat text says it is runnable: its state (the field after the command,
 * which is in parentheses and may itself hold spaces and parentheses) is R.
 */
export function isRunnableStat(text: string): boolean {
  const end = text.lastIndexOf(')');
  return end >= 0 && text.slice(end + 1, end + 3) === ' R';
}

/** Threads runnable now (Linux), or undefined where procfs does not say (the caller falls back on the load average). */
export function runnableNow(): Runnable | undefined {
  try {
    let own = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        if (isRunnableStat(readFileSync(`/proc/self/task/${tid}/stat`, 'latin1'))) own++;
      } catch {
        // A thread that has ended since the listing.
      }
    }
    const all = runnableOfLoadavg(readFileSync('/proc/loadavg', 'latin1'));
    // This thread is running as it reads: at least itself, on both counts.
    return all === undefined ? undefined : { all: Math.max(all, 1), own: Math.max(own, 1) };
  } catch {
    return undefined;
  }
}

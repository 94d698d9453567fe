import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { threadsFor } from '../../src/cli/parallel.js';
import { isRunnableStat, runnableNow, runnableOfLoadavg } from '../../src/cli/runnable.js';

const MB = 1_000_000;

describe('how many threads a large lint starts', () => {
  it('on a quiet machine, a thread for each core: whatever the load average says of the runs before this one', () => {
    // Two cores; runnable now: this thread only. The load average is this tool's own previous run.
    const quiet = { cores: 2, units: 40, bytes: 7 * MB, runnable: { all: 1, own: 1 } };
    expect(threadsFor({ ...quiet, loadavg: 0 })).toBe(2);
    expect(threadsFor({ ...quiet, loadavg: 1.3 })).toBe(2);
    expect(threadsFor({ ...quiet, loadavg: 5 })).toBe(2);
    // This process's own background threads (V8's), runnable as it looks, are not another process's.
    expect(threadsFor({ ...quiet, runnable: { all: 3, own: 3 }, loadavg: 1.3 })).toBe(2);
    expect(threadsFor({ cores: 8, units: 40, bytes: 7 * MB, runnable: { all: 2, own: 1 }, loadavg: 6 })).toBe(7);
  });

  it('on a busy machine, only the cores other processes leave: this thread alone when they take them all', () => {
    const busy = { cores: 2, units: 40, bytes: 7 * MB, loadavg: 0.2 };
    expect(threadsFor({ ...busy, runnable: { all: 2, own: 1 } })).toBe(1);
    expect(threadsFor({ ...busy, runnable: { all: 9, own: 2 } })).toBe(1);
    expect(threadsFor({ cores: 4, units: 40, bytes: 7 * MB, runnable: { all: 3, own: 1 }, loadavg: 0 })).toBe(2);
  });

  it('where the runnable threads are not known, the load average: a thread more for each whole core it leaves', () => {
    const elsewhere = { cores: 2, units: 40, bytes: 7 * MB, runnable: undefined };
    expect(threadsFor({ ...elsewhere, loadavg: 0 })).toBe(2);
    expect(threadsFor({ ...elsewhere, loadavg: 0.9 })).toBe(2);
    expect(threadsFor({ ...elsewhere, loadavg: 1.1 })).toBe(1);
    expect(threadsFor({ cores: 8, units: 40, bytes: 7 * MB, runnable: undefined, loadavg: 3.5 })).toBe(5);
  });

  it('never more threads than the work is worth: one core, one unit, or too little text', () => {
    const idle = { runnable: { all: 1, own: 1 }, loadavg: 0 };
    expect(threadsFor({ ...idle, cores: 1, units: 40, bytes: 7 * MB })).toBe(1);
    expect(threadsFor({ ...idle, cores: 4, units: 1, bytes: 7 * MB })).toBe(1);
    expect(threadsFor({ ...idle, cores: 4, units: 3, bytes: 7 * MB })).toBe(3);
    expect(threadsFor({ ...idle, cores: 4, units: 40, bytes: 900_000 })).toBe(1);
    expect(threadsFor({ ...idle, cores: 4, units: 40, bytes: 1_100_000 })).toBe(2);
    expect(threadsFor({ ...idle, cores: 64, units: 400, bytes: 100 * MB })).toBe(8);
  });
});

describe("what procfs says runs now (Linux's /proc)", () => {
  it("reads the runnable count of /proc/loadavg's text, and nothing of a text of another form", () => {
    expect(runnableOfLoadavg('0.52 0.58 0.59 3/467 12345\n')).toBe(3);
    expect(runnableOfLoadavg('12.04 9.80 7.13 17/1024 4194303\n')).toBe(17);
    expect(runnableOfLoadavg('0.52 0.58 0.59\n')).toBeUndefined();
    expect(runnableOfLoadavg('')).toBeUndefined();
  });

  it("reads a thread's state after its command, whatever the command holds", () => {
    expect(isRunnableStat('28389 (node) R 28345 28345 3507 0 -1 4194304 98 0 0 0')).toBe(true);
    expect(isRunnableStat('28390 (node) S 28345 28345 3507 0 -1 4194304 98 0 0 0')).toBe(false);
    // A command may hold spaces and parentheses (prctl names it): the state follows the last closing one.
    expect(isRunnableStat('28391 (a) R (b) S 28345 28345 3507 0 -1')).toBe(false);
    expect(isRunnableStat('28391 (a) S (b) R 28345 28345 3507 0 -1')).toBe(true);
    expect(isRunnableStat('')).toBe(false);
  });

  it('on the real files where the machine has them: this thread counts as runnable, on both counts', () => {
    const now = runnableNow();
    if (!existsSync('/proc/loadavg')) {
      expect(now).toBeUndefined();
      return;
    }
    expect(runnableOfLoadavg(readFileSync('/proc/loadavg', 'latin1'))).toBeGreaterThanOrEqual(1);
    expect(isRunnableStat(readFileSync('/proc/thread-self/stat', 'latin1'))).toBe(true);
    expect(now!.own).toBeGreaterThanOrEqual(1);
    expect(now!.all).toBeGreaterThanOrEqual(1);
  });
});

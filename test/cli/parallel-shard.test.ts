import { describe, expect, it } from 'vitest';
import { shard, threadCount, type Unit } from '../../src/cli/parallel.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';

/** A unit of `files` migrations of `size` characters each (a project's history, or one file when files is 1). */
function unit(files: number, size: number): Unit {
  return Array.from({ length: files }, (_, i) => ({
    id: i,
    source: { path: `db/migrations/${String(i).padStart(4, '0')}_change.sql`, text: 'x'.repeat(size), bom: false },
    options: { settings: DEFAULT_SETTINGS },
  }));
}

describe('sharing units of work between threads', () => {
  it("gives this thread the largest unit, a worker what balances it after its start-up, each shard in the units' order", () => {
    // A 600 kB history, three 100 kB ones, one 50 kB loose file.
    const units = [unit(10, 10_000), unit(60, 10_000), unit(10, 10_000), unit(1, 50_000), unit(10, 10_000)];
    const shards = shard(units, 2);
    expect(shards).toEqual([[1], [0, 2, 3, 4]]);
    // Every unit exactly once.
    expect(shards.flat().sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('MIGRALINT_WORKERS sets the threads (this one included), never more than the units', () => {
    const units = [unit(2, 100), unit(2, 100), unit(2, 100)];
    expect(threadCount(units, { MIGRALINT_WORKERS: '2' })).toBe(2);
    expect(threadCount(units, { MIGRALINT_WORKERS: '8' })).toBe(3);
    expect(threadCount(units, { MIGRALINT_WORKERS: '0' })).toBe(1);
    // Little work: this thread alone, however many cores.
    expect(threadCount(units, {})).toBe(1);
  });
});

/**
 * The playground's stand-in for node:crypto (playground/shims/crypto.ts) gives Node's own MD5 and SHA-256: Django's
 * generated index and constraint names in the playground depend on the exact MD5.
 */
import { createHash as nodeHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHash, hash } from '../playground/shims/crypto.js';

/** Deterministic text of every length around the block boundaries, with multi-byte characters. */
function* inputs(): Generator<string[]> {
  let seed = 20261130;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_0123456789 "é€🙂';
  for (let length = 0; length < 200; length++) {
    const chars = Array.from({ length }, () => [...alphabet][next() % [...alphabet].length]!);
    const text = chars.join('');
    const cut = length ? next() % length : 0;
    yield [text.slice(0, cut), text.slice(cut)];
  }
  yield ['shop_order', 'customer_id'];
}

describe('playground crypto shim', () => {
  it.each(['md5', 'sha256'])('%s matches node:crypto over 201 inputs, in one or several updates', (algorithm) => {
    let checked = 0;
    for (const parts of inputs()) {
      const expected = parts.reduce((h, p) => h.update(p), nodeHash(algorithm)).digest('hex');
      expect(parts.reduce((h, p) => h.update(p), createHash(algorithm)).digest('hex')).toBe(expected);
      expect(createHash(algorithm).update(parts.join('')).digest('hex')).toBe(expected);
      expect(hash(algorithm, parts.join(''), 'hex')).toBe(expected);
      checked++;
    }
    expect(checked).toBe(201);
  });

  it('refuses what it does not implement', () => {
    expect(() => createHash('sha1')).toThrow(/sha1 is not available/);
  });
});

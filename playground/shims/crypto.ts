/**
 * `node:crypto` for the playground: the one call the linted code makes, `createHash('md5' | 'sha256')` with
 * `update(string)` and `digest('hex')`. Django's generated names need the exact MD5 (names_digest), and the
 * Django state's fingerprint a SHA-256. Written from RFC 1321 and FIPS 180-4; test/playground-crypto.test.ts checks
 * both against Node's own on random input.
 */

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The message padded to a multiple of 64 bytes, with its bit length in the last 8 (little- or big-endian). */
function pad(message: Uint8Array, littleEndian: boolean): DataView {
  const length = Math.ceil((message.length + 9) / 64) * 64;
  const bytes = new Uint8Array(length);
  bytes.set(message);
  bytes[message.length] = 0x80;
  const view = new DataView(bytes.buffer);
  const bits = message.length * 8;
  const high = Math.floor(bits / 2 ** 32);
  const low = bits >>> 0;
  if (littleEndian) {
    view.setUint32(length - 8, low, true);
    view.setUint32(length - 4, high, true);
  } else {
    view.setUint32(length - 8, high, false);
    view.setUint32(length - 4, low, false);
  }
  return view;
}

const hex = (words: number[], littleEndian: boolean): string => {
  const view = new DataView(new ArrayBuffer(words.length * 4));
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, littleEndian));
  return [...new Uint8Array(view.buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
};

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** MD5, RFC 1321. */
function md5(message: Uint8Array): string {
  const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const k = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
  const view = pad(message, true);
  let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let off = 0; off < view.byteLength; off += 64) {
    const m = Array.from({ length: 16 }, (_, i) => view.getUint32(off + i * 4, true));
    let [a, b, c, d] = [a0, b0, c0, d0];
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      let f: number;
      let g: number;
      if (round === 0) [f, g] = [(b & c) | (~b & d), i];
      else if (round === 1) [f, g] = [(d & b) | (~d & c), (5 * i + 1) % 16];
      else if (round === 2) [f, g] = [b ^ c ^ d, (3 * i + 5) % 16];
      else [f, g] = [c ^ (b | ~d), (7 * i) % 16];
      const sum = (a + f + k[i]! + m[g]!) | 0;
      [a, d, c] = [d, c, b];
      b = (b + rotl(sum, shifts[round * 4 + (i % 4)]!)) | 0;
    }
    [a0, b0, c0, d0] = [(a0 + a) | 0, (b0 + b) | 0, (c0 + c) | 0, (d0 + d) | 0];
  }
  return hex([a0, b0, c0, d0], true);
}

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4, 4.2.2). */
const SHA256_K = (() => {
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  return primes.map((p) => Math.floor((Math.cbrt(p) % 1) * 2 ** 32) >>> 0);
})();

/** SHA-256, FIPS 180-4. */
function sha256(message: Uint8Array): string {
  const view = pad(message, false);
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const w = new Array<number>(64);
  for (let off = 0; off < view.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4, false);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15]!, 7) ^ rotr(w[i - 15]!, 18) ^ (w[i - 15]! >>> 3);
      const s1 = rotr(w[i - 2]!, 17) ^ rotr(w[i - 2]!, 19) ^ (w[i - 2]! >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i]! + w[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    [a, b, c, d, e, f, g, hh].forEach((x, i) => (h[i] = (h[i]! + x) | 0));
  }
  return hex(h, false);
}

export function createHash(algorithm: string) {
  const parts: Uint8Array[] = [];
  const run = algorithm === 'md5' ? md5 : algorithm === 'sha256' ? sha256 : undefined;
  if (!run) throw new Error(`playground: hash ${algorithm} is not available`);
  const hash = {
    update(data: string | Uint8Array) {
      parts.push(typeof data === 'string' ? utf8(data) : data);
      return hash;
    },
    digest(encoding: 'hex') {
      if (encoding !== 'hex') throw new Error(`playground: digest encoding ${String(encoding)} is not available`);
      return run(concat(parts));
    },
  };
  return hash;
}

/** node:crypto's one-shot hash(algorithm, data, 'hex'). */
export function hash(algorithm: string, data: string | Uint8Array, encoding: 'hex' = 'hex'): string {
  return createHash(algorithm).update(data).digest(encoding);
}

export default { createHash, hash };

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// bin/parser.js: how the CLI (the bin, its bundle and its workers) loads PostgreSQL's parser.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const loader = path.join(root, 'bin', 'parser.js');
const require = createRequire(import.meta.url);
const { smallerInitialMemory } = require(loader) as { smallerInitialMemory: (b: Uint8Array) => Uint8Array };
const wasm = readFileSync(path.join(path.dirname(require.resolve('libpg-query')), 'libpg-query.wasm'));

/** The minimum pages of a module's one memory (the JS API gives no module's limits before instantiation). */
function memoryPages(bytes: Uint8Array): number {
  const b = Buffer.from(bytes);
  let at = 8;
  const leb = () => {
    let v = 0;
    let s = 0;
    let x;
    do {
      x = b[at++]!;
      v |= (x & 0x7f) << s;
      s += 7;
    } while (x & 0x80);
    return v >>> 0;
  };
  while (at < b.length) {
    const id = b[at++];
    const size = leb();
    const start = at;
    if (id === 5) {
      leb();
      at++;
      return leb();
    }
    at = start + size;
  }
  throw new Error('no memory section');
}

/** Runs a script in a fresh node; its stdout as JSON. */
function node(script: string): unknown {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** A script that loads the parser (`load` is its expression), records its WASM memory's size, and parses `sql`. */
const parsing = (load: string, sql: string) => `
  const instantiate = WebAssembly.instantiate;
  let memory;
  WebAssembly.instantiate = async function (...args) {
    const result = await instantiate.apply(this, args);
    memory ??= result.instance.exports.z;
    return result;
  };
  const pg = ${load};
  pg.loadModule().then(() => {
    const initial = memory.buffer.byteLength;
    const sql = ${sql};
    const tree = pg.parseSync(sql);
    const tokens = pg.scanSync(sql).tokens;
    const hash = (x) => require('node:crypto').createHash('sha256').update(JSON.stringify(x)).digest('hex');
    process.stdout.write(JSON.stringify({ initial, grown: memory.buffer.byteLength, statements: tree.stmts.length, tree: hash(tree), tokens: hash(tokens) }));
  });`;

describe("the CLI's PostgreSQL parser", () => {
  it('starts its WASM memory at what the data and the stack need, not the 128 MB the module declares', () => {
    expect(memoryPages(wasm)).toBe(2048);
    const smaller = smallerInitialMemory(wasm);
    const pages = memoryPages(smaller);
    // The stack pointer starts at 34,515,008 (data below it, a 32 MB stack): at least that, and 2 MB of heap.
    expect(pages * 65536).toBeGreaterThanOrEqual(34_515_008 + 2 * 1024 * 1024);
    expect(pages).toBeLessThan(600);
    // Only the memory's minimum changed: same length but for the number's encoding, same bytes around it.
    expect(Math.abs(smaller.length - wasm.length)).toBeLessThanOrEqual(2);
    // A module that is not as expected is left as it is.
    const head = wasm.subarray(0, 100);
    expect(smallerInitialMemory(head)).toBe(head);
    expect(smallerInitialMemory(smaller)).toBe(smaller);
  });

  it('parses what the package parses, a text that makes the memory grow included', { timeout: 120_000 }, () => {
    // 10,000 statements (0.8 MB): the parse tree's JSON and the scan outgrow the smaller start.
    const sql = "Array.from({ length: 10000 }, (_, i) => `ALTER TABLE orders_${i % 97} ADD COLUMN note_${i} text DEFAULT 'n${i}' NOT NULL;`).join('\\n')";
    const viaLoader = node(parsing(`require(${JSON.stringify(loader)}).requireParser()`, sql)) as {
      initial: number;
      grown: number;
      statements: number;
      tree: string;
      tokens: string;
    };
    const plain = node(parsing("require('libpg-query')", sql)) as typeof viaLoader;
    expect(plain.initial).toBe(128 * 1024 * 1024);
    expect(viaLoader.initial).toBeLessThan(40 * 1024 * 1024);
    expect(viaLoader.grown).toBeGreaterThan(viaLoader.initial);
    // The same tree and tokens (their JSON's SHA-256).
    expect(viaLoader.statements).toBe(10000);
    expect(viaLoader.tree).toBe(plain.tree);
    expect(viaLoader.tokens).toBe(plain.tokens);
  });
});

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
const { smallerInitialMemory, instantiateLowered, STAND_INS } = require(loader) as {
  STAND_INS: Record<string, unknown>;
  smallerInitialMemory: (b: Uint8Array) => Uint8Array;
  instantiateLowered: (
    instantiate: (b: Uint8Array, imports: WebAssembly.Imports) => Promise<WebAssembly.WebAssemblyInstantiatedSource>,
    b: Uint8Array,
    imports: WebAssembly.Imports,
  ) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;
};
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

/** A LEB128 number (signed: as i32.const takes it). */
function leb(n: number, signed = false): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n = signed ? n >> 7 : n >>> 7;
    const done = signed ? (n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40) : n === 0;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/**
 * A module laid out as emscripten lays one out (a memory of `pages`, exported; the stack pointer as its first global)
 * with one byte of static data at `dataAt`.
 */
function module(pages: number, stackTop: number, dataAt: number): Uint8Array {
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const name = [...Buffer.from('memory')];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(5, [1, 0x00, ...leb(pages)]),
    ...section(6, [1, 0x7f, 1, 0x41, ...leb(stackTop, true), 0x0b]),
    ...section(7, [1, name.length, ...name, 2, 0]),
    ...section(11, [1, 0x00, 0x41, ...leb(dataAt, true), 0x0b, 1, 42]),
  ]);
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

  it('instantiates a module whose static data lies above its stack as it is: the smaller memory would not hold it', async () => {
    const instantiate = (b: Uint8Array, imports: WebAssembly.Imports) => WebAssembly.instantiate(b as Uint8Array<ArrayBuffer>, imports);
    const memoryOf = (r: WebAssembly.WebAssemblyInstantiatedSource) => r.instance.exports.memory as WebAssembly.Memory;
    // Data below the stack (64 KB): the memory starts at the stack and 2 MB of heap, 33 pages, not 1,000.
    const below = await instantiateLowered(instantiate, module(1000, 65536, 1024), {});
    expect(memoryOf(below).buffer.byteLength).toBe(33 * 65536);
    expect(new Uint8Array(memoryOf(below).buffer)[1024]).toBe(42);
    // Data at 50 MB, above the stack: the lowered module is refused, the module as declared is not.
    const above = await instantiateLowered(instantiate, module(1000, 65536, 50 * 1024 * 1024), {});
    expect(memoryOf(above).buffer.byteLength).toBe(1000 * 65536);
    expect(new Uint8Array(memoryOf(above).buffer)[50 * 1024 * 1024]).toBe(42);
    // A module that fails for another reason fails as it would have.
    await expect(instantiateLowered(instantiate, module(1000, 65536, 70 * 1024 * 1024), {})).rejects.toThrow(WebAssembly.RuntimeError);
  });

  it("gives the glue, for each package it does without, what that package's JavaScript exports", () => {
    // The bin's code-cached loader hands these to libpg-query's glue instead of loading them (bin/parser.js).
    const glue = createRequire(require.resolve('libpg-query'));
    expect(Object.keys(STAND_INS)).toEqual(['@pgsql/types']);
    for (const [name, standIn] of Object.entries(STAND_INS)) {
      const real = glue(name) as Record<string, unknown>;
      expect({ ...real }).toEqual(standIn);
      expect(Object.getOwnPropertyNames(real).filter((k) => k !== '__esModule')).toEqual(Object.keys(standIn as object));
    }
  });

  it("copies texts into the WASM memory and results out of it as the package's glue does, whatever their characters", { timeout: 120_000 }, () => {
    // ASCII, two-, three- and four-byte UTF-8, a BOM, a lone surrogate (the glue's own byte counts), short results, a syntax error.
    const texts = [
      'SELECT 1',
      "SELECT 'café' AS \"naïve\", '日本語' AS t, '😀' AS e",
      '\uFEFFSELECT 1',
      "SELECT '\uD800x' AS lone",
      "SELECT 'x\uDC00' AS low, '😀\uD83D' AS cut",
      "CREATE TABLE t (c text DEFAULT 'é'",
      'SELEC 1',
    ];
    const script = (load: string) => `
      const pg = ${load};
      pg.loadModule().then(() => {
        const texts = ${JSON.stringify(texts)};
        const out = texts.map((sql) => {
          const one = (f) => { try { return f(sql); } catch (e) { return { error: e.message, details: e.sqlDetails }; } };
          return { tree: one(pg.parseSync), tokens: one(pg.scanSync), fingerprint: one(pg.fingerprintSync) };
        });
        process.stdout.write(JSON.stringify(out));
      });`;
    const viaLoader = node(script(`require(${JSON.stringify(loader)}).requireParser()`));
    const plain = node(script("require('libpg-query')"));
    expect(viaLoader).toEqual(plain);
    expect(JSON.stringify(plain)).toContain('naïve');
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

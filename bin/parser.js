// PostgreSQL's parser (libpg-query) as the CLI loads it: the package, with its WASM memory started at the size the
// module needs rather than the 128 MB it declares. V8 counts a WASM memory as external memory, and 128 MB at once is
// over its limit: it then collects the whole heap (a scavenge and a mark-compact of the CLI's 13 MB, 30–40 ms of a
// one-file lint's CPU). The memory grows as the parser needs it (the module allows up to 1 GB, and its own sbrk
// grows it), so what PostgreSQL parses is the same.
'use strict';
/* global WebAssembly, TextEncoder, TextDecoder */
const { statSync } = require('node:fs');
const path = require('node:path');

const PAGE = 65536;
/** Room above the stack for the first allocations, before the heap first grows. */
const HEAP_START = 2 * 1024 * 1024;

/**
 * Where the module's one memory declares its minimum, and the smaller minimum to write there: what the stack needs
 * (the stack pointer's start, the first global, as emscripten lays memory out: static data below the stack) and
 * HEAP_START above that, as a LEB128 number padded to the length of the one it replaces (so the module keeps its
 * length and nothing after it moves). Only the sections before the code are read: the memory and global sections
 * come first. Null when the module declares less already, or anything is not as expected (an imported, shared or
 * 64-bit memory, a stack pointer that is not an i32 constant, a truncated module).
 */
function memoryPatch(b) {
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d || b[4] !== 1 || b[5] || b[6] || b[7]) return null;
  let at = 8;
  // A LEB128 number at `at` (moving past it); NaN when malformed or past the end.
  const leb = (signed) => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      if (at >= b.length || shift > 28) return NaN;
      byte = b[at++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    if (signed && shift < 32 && byte & 0x40) value |= -1 << shift;
    return signed ? value : value >>> 0;
  };
  let min;
  let stackTop;
  while (at < b.length && (min === undefined || stackTop === undefined)) {
    const id = b[at++];
    const size = leb(false);
    const end = at + size;
    if (!(end <= b.length) || id === 10 || id === 11) return null;
    if (id === 5) {
      if (leb(false) !== 1 || min) return null;
      const flags = b[at++];
      if (flags !== 0 && flags !== 1) return null; // shared or 64-bit
      const from = at;
      const pages = leb(false);
      if (Number.isNaN(pages)) return null;
      min = { from, to: at, pages };
    } else if (id === 6) {
      leb(false);
      // The first global: type i32 (0x7f), mutable, `i32.const n; end`.
      if (b[at] !== 0x7f || b[at + 1] !== 1 || b[at + 2] !== 0x41) return null;
      at += 3;
      const top = leb(true);
      if (Number.isNaN(top) || b[at] !== 0x0b) return null;
      stackTop = top >>> 0;
    }
    at = end;
  }
  if (!min || !stackTop) return null;
  const pages = Math.ceil((stackTop + HEAP_START) / PAGE);
  const width = min.to - min.from;
  if (pages >= min.pages || pages >= 2 ** (7 * width)) return null;
  const bytes = Buffer.alloc(width);
  for (let i = 0, n = pages; i < width; i++, n >>>= 7) bytes[i] = (n & 0x7f) | (i < width - 1 ? 0x80 : 0);
  return { at: min.from, bytes };
}

/**
 * The module with the minimum of its one memory lowered (memoryPatch), as a copy; the module itself when it is not
 * lowered.
 */
function smallerInitialMemory(bytes) {
  const patch = memoryPatch(bytes);
  if (!patch) return bytes;
  const out = new Uint8Array(bytes);
  out.set(patch.bytes, patch.at);
  return out;
}

/**
 * `instantiate(module, imports)` with the module's memory lowered in place (memoryPatch): for a buffer read for this
 * call only (no copy of its 1.7 MB). A module whose static data lies above its stack does not fit the smaller memory:
 * WebAssembly refuses to instantiate it, and it is instantiated as it was.
 */
function instantiateLowered(instantiate, bytes, imports) {
  const patch = memoryPatch(bytes);
  if (!patch) return instantiate(bytes, imports);
  const original = bytes.slice(patch.at, patch.at + patch.bytes.length);
  bytes.set(patch.bytes, patch.at);
  return instantiate(bytes, imports).catch(() => {
    bytes.set(original, patch.at);
    return instantiate(bytes, imports);
  });
}

let parser;

/**
 * The glue's string marshalling, done by Node's own encoder and decoder: the glue copies each text into the WASM
 * memory and each result (the parse tree's JSON) out of it with loops in JavaScript, a character at a time (measured
 * on 1,147 real SQL files: 52 ms of CPU to encode their 1.6 MB, 18 ms to find the ends of 6.7 MB of JSON). A
 * well-formed string has one UTF-8 encoding, so the bytes are the same; a string with a lone surrogate, and a read
 * with a length or of a short string, go to the glue's own functions (whose byte counts for a lone surrogate are
 * their own). Results are decoded as the glue decodes them: by a TextDecoder.
 */
function nativeStrings(module) {
  const own = { lengthBytesUTF8: module.lengthBytesUTF8, stringToUTF8: module.stringToUTF8, UTF8ToString: module.UTF8ToString };
  if (typeof own.lengthBytesUTF8 !== 'function' || typeof own.stringToUTF8 !== 'function' || typeof own.UTF8ToString !== 'function') return module;
  if (typeof ''.isWellFormed !== 'function' || !(module.HEAPU8 instanceof Uint8Array)) return module;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  module.lengthBytesUTF8 = (str) => (typeof str === 'string' && str.isWellFormed() ? Buffer.byteLength(str, 'utf8') : own.lengthBytesUTF8(str));
  module.stringToUTF8 = (str, outPtr, maxBytesToWrite) => {
    if (typeof str !== 'string' || !str.isWellFormed() || !(maxBytesToWrite > 0)) return own.stringToUTF8(str, outPtr, maxBytesToWrite);
    // The memory as it is now (it grows, and the glue replaces its views, during a parse).
    const heap = module.HEAPU8;
    const { written } = encoder.encodeInto(str, heap.subarray(outPtr, outPtr + maxBytesToWrite - 1));
    heap[outPtr + written] = 0;
    return written;
  };
  module.UTF8ToString = (ptr, maxBytesToRead, ignoreNul) => {
    if (!ptr || maxBytesToRead !== undefined || ignoreNul) return own.UTF8ToString(ptr, maxBytesToRead, ignoreNul);
    const heap = module.HEAPU8;
    const end = heap.indexOf(0, ptr);
    // Up to 16 bytes the glue decodes by hand; a string with no end in the memory is the glue's to read.
    if (end - ptr <= 16) return own.UTF8ToString(ptr);
    return decoder.decode(heap.subarray(ptr, end));
  };
  return module;
}

/**
 * The package's glue (libpg-query.js), its factory giving a module with nativeStrings. The package's index requires
 * the glue after this, gets the same exports, and calls `default` (as TypeScript's __importDefault gives it: the
 * exports themselves when they say __esModule).
 */
function withNativeStrings(glue) {
  if (typeof glue !== 'function' || glue.__esModule) return;
  const factory = glue;
  glue.default = (...args) => factory(...args).then(nativeStrings);
  glue.__esModule = true;
}

/**
 * What the parser's glue requires that the CLI does without, and what it gets instead: @pgsql/types holds only
 * TypeScript types (its JavaScript exports nothing, test/cli/parser-memory.test.ts), and finding and loading its three
 * files cost about 1 ms of each start-up.
 */
const STAND_INS = { '@pgsql/types': {} };

/**
 * libpg-query, its WASM instantiated with smallerInitialMemory. The package's glue reads its .wasm and calls
 * WebAssembly.instantiate (after a microtask) when it is required: that one call, recognised by the file's length,
 * is given the smaller module; any other call, or one after the glue's, is WebAssembly's own.
 */
function requireParser() {
  if (parser) return parser;
  const instantiate = WebAssembly.instantiate;
  let wasmSize;
  try {
    wasmSize = statSync(path.join(path.dirname(require.resolve('libpg-query')), 'libpg-query.wasm')).size;
  } catch {
    return (parser = require('libpg-query'));
  }
  const own = function instantiateParser(source, imports) {
    if (WebAssembly.instantiate === own) WebAssembly.instantiate = instantiate;
    if (!ArrayBuffer.isView(source) || source.byteLength !== wasmSize) return instantiate.call(this, source, imports);
    // The glue's own copy of the file (read, then copied into a Uint8Array of its own for this call).
    return instantiateLowered((module, imports) => instantiate.call(this, module, imports), source, imports);
  };
  WebAssembly.instantiate = own;
  // The bin's loader with V8's compiled code kept between runs (bin/migralint.js codeCache): the package's JavaScript
  // (its glue, 75 kB) is then not compiled again on each run. Elsewhere (tests, --no-cache) Node's own require.
  const cached = globalThis[Symbol.for('migralint.require')];
  try {
    const index = require.resolve('libpg-query');
    try {
      const glue = path.join(path.dirname(index), 'libpg-query.js');
      withNativeStrings(cached ? cached(glue, true, STAND_INS) : require(glue));
    } catch {
      /* the package as it is: its index loads the glue itself */
    }
    parser = cached ? cached(index, true, STAND_INS) : require('libpg-query');
  } catch (error) {
    WebAssembly.instantiate = instantiate;
    throw error;
  }
  // A glue that did not instantiate this way: WebAssembly's own again once the parser is ready.
  const restore = () => {
    if (WebAssembly.instantiate === own) WebAssembly.instantiate = instantiate;
  };
  parser.loadModule().then(restore, restore);
  return parser;
}

module.exports = { requireParser, smallerInitialMemory, instantiateLowered, STAND_INS, nativeStrings };

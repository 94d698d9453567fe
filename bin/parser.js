// PostgreSQL's parser (libpg-query) as the CLI loads it: the package, with its WASM memory started at the size the
// module needs rather than the 128 MB it declares. V8 counts a WASM memory as external memory, and 128 MB at once is
// over its limit: it then collects the whole heap (a scavenge and a mark-compact of the CLI's 13 MB, 30–40 ms of a
// one-file lint's CPU). The memory grows as the parser needs it (the module allows up to 1 GB, and its own sbrk
// grows it), so what PostgreSQL parses is the same.
'use strict';
/* global WebAssembly */
const { statSync } = require('node:fs');
const path = require('node:path');

const PAGE = 65536;
/** Room above the stack for the first allocations, before the heap first grows. */
const HEAP_START = 2 * 1024 * 1024;

/** A LEB128 number at b[at]: [value, offset after it]. Signed for i32.const. */
function leb(b, at, signed) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    if (at >= b.length || shift > 35) throw new Error('bad LEB128');
    byte = b[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (signed && shift < 32 && byte & 0x40) value |= -1 << shift;
  return [signed ? value : value >>> 0, at];
}

function unsignedLeb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

/**
 * The module with the minimum of its one memory lowered to what its data and its stack need (the end of the data
 * segments, the stack pointer's start: the first global, as emscripten lays memory out) and HEAP_START above that;
 * the module unchanged when it declares less, or anything is not as expected (an imported, shared or 64-bit memory,
 * a data segment placed by a global, a stack pointer that is not an i32 constant).
 */
function smallerInitialMemory(bytes) {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (b.readUInt32LE(0) !== 0x6d736100 || b.readUInt32LE(4) !== 1) return bytes;
    let memory;
    let needed = 0;
    for (let at = 8; at < b.length;) {
      const id = b[at];
      const [size, start] = leb(b, at + 1);
      const end = start + size;
      if (id === 5) {
        const [count, p] = leb(b, start);
        if (count !== 1 || memory) return bytes;
        const flags = b[p];
        if (flags !== 0 && flags !== 1) return bytes; // shared or 64-bit
        const [min, minEnd] = leb(b, p + 1);
        memory = { sizeAt: at + 1, start, end, minAt: p + 1, minEnd, min };
      } else if (id === 6) {
        const [, p] = leb(b, start);
        // The first global: type i32 (0x7f), mutable, `i32.const n; end`.
        if (b[p] !== 0x7f || b[p + 1] !== 1 || b[p + 2] !== 0x41) return bytes;
        const [stackTop, q] = leb(b, p + 3, true);
        if (b[q] !== 0x0b) return bytes;
        needed = Math.max(needed, stackTop >>> 0);
      } else if (id === 11) {
        let [count, p] = leb(b, start);
        for (; count > 0; count--) {
          const [flags, q] = leb(b, p);
          p = q;
          let offset = 0;
          if (flags === 0) {
            if (b[p] !== 0x41) return bytes;
            [offset, p] = leb(b, p + 1, true);
            if (b[p++] !== 0x0b) return bytes;
          } else if (flags !== 1) return bytes;
          const [length, data] = leb(b, p);
          p = data + length;
          needed = Math.max(needed, (offset >>> 0) + length);
        }
      }
      at = end;
    }
    if (!memory || needed === 0) return bytes;
    const pages = Math.ceil((needed + HEAP_START) / PAGE);
    if (pages >= memory.min) return bytes;
    const section = Buffer.concat([b.subarray(memory.start, memory.minAt), unsignedLeb(pages), b.subarray(memory.minEnd, memory.end)]);
    return Buffer.concat([b.subarray(0, memory.sizeAt), unsignedLeb(section.length), section, b.subarray(memory.end)]);
  } catch {
    return bytes;
  }
}

let parser;

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
    const module = ArrayBuffer.isView(source) && source.byteLength === wasmSize ? smallerInitialMemory(source) : source;
    return instantiate.call(this, module, imports);
  };
  WebAssembly.instantiate = own;
  try {
    parser = require('libpg-query');
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

module.exports = { requireParser, smallerInitialMemory };

import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { SourceFile } from '../types.js';

export class InputError extends Error {}

/** Decodes file bytes: refuses binary and non-UTF-8 input with a clear message, strips and remembers a BOM. */
export function decodeSource(path: string, bytes: Uint8Array): SourceFile {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) throw new InputError(`${path}: binary file (contains NUL bytes), not linted`);
  if (!isUtf8(bytes)) throw new InputError(`${path}: not valid UTF-8, not linted (convert it with iconv -t UTF-8)`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // Remember a BOM from the bytes so --fix writes it back.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { path, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bom };
}

export function readSource(path: string): SourceFile {
  return readSourceAndBytes(path).source;
}

/** The file decoded, and its bytes as read (the lint cache hashes those). */
export function readSourceAndBytes(path: string): { source: SourceFile; bytes: Buffer } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (did it vanish during the run?)' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new InputError(`${path}: cannot read: ${why}`);
  }
  return { source: decodeSource(path, bytes), bytes };
}

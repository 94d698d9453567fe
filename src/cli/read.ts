import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { SourceFile } from '../types.js';

export class InputError extends Error {}

/** Decodes file bytes: refuses binary and non-UTF-8 input with a clear message, strips and remembers a BOM. */
export function decodeSource(path: string, bytes: Uint8Array): SourceFile {
  // UTF-16 and UTF-32 text (with a byte order mark) is named as what it is, not called binary.
  const bomName = unicodeBom(bytes);
  if (bomName) throw new InputError(`${path}: ${bomName} text, not linted (convert it to UTF-8: iconv -f ${bomName.replace(/ .*/, '')} -t UTF-8)`);
  // A NUL anywhere (not only near the start) means the bytes are not text: say where, rather than lint half a file.
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    let line = 1;
    for (let i = 0; i < nul; i++) if (bytes[i] === 0x0a) line++;
    throw new InputError(`${path}: binary file (a NUL byte on line ${line}), not linted`);
  }
  if (!isUtf8(bytes)) throw new InputError(`${path}: not valid UTF-8, not linted (convert it with iconv -t UTF-8)`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // Remember a BOM from the bytes so --fix writes it back.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { path, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bom };
}

function unicodeBom(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'UTF-32LE (little-endian, with a byte order mark)';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32BE (big-endian, with a byte order mark)';
  if (b[0] === 0xff && b[1] === 0xfe) return 'UTF-16LE (little-endian, with a byte order mark)';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16BE (big-endian, with a byte order mark)';
  return undefined;
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
    const why =
      code === 'ENOENT'
        ? 'no such file (did it vanish during the run?)'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (error as Error).message;
    throw new InputError(`${path}: cannot read: ${why}`);
  }
  return { source: decodeSource(path, bytes), bytes };
}

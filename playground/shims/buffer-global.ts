/** The core measures identifiers and offsets in UTF-8 bytes with Node's Buffer; the browser gets the same API. */
export { Buffer } from 'buffer';

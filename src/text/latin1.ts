import { Buffer } from 'node:buffer';

/**
 * Bytes [from, to) as text, each byte the character of that code (ISO-8859-1, which is what
 * Buffer calls 'latin1'; TextDecoder's 'latin1' is windows-1252). Decoded natively.
 */
export function latin1(d: Uint8Array, from = 0, to = d.length): string {
  return Buffer.from(d.buffer, d.byteOffset + from, to - from).toString('latin1');
}

import { safeText } from '../text/escape.js';

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

// The writers below put text at `at` in a buffer the caller has made room in, and return where
// it ends: -V's compiled line writers (tree-lines.ts) keep that position in a local variable.

/** A whole non-negative number in decimal. */
export function putDecimal(buf: Uint8Array, at: number, n: number): number {
  if (n < 10) {
    buf[at] = 0x30 + n;
    return at + 1;
  }
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  const end = at + digits;
  let i = end;
  do {
    const q = Math.floor(n / 10);
    buf[--i] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return end;
}

/** "0x" and the number's low 32 bits in hex, padded to `digits` (as hexNumber). */
export function putHex(buf: Uint8Array, at: number, n: number, digits: number): number {
  n >>>= 0;
  let width = 1;
  while (width < 8 && n >>> (4 * width) !== 0) width++;
  if (width < digits) width = digits;
  buf[at++] = 0x30;
  buf[at++] = 0x78;
  for (let i = width - 1; i >= 0; i--) buf[at++] = i >= 8 ? 0x30 : HEX_DIGITS[(n >>> (4 * i)) & 15]!;
  return at;
}

/** Bytes [from, to) of `b` as hex pairs, with `sep` (a byte, or -1 for none) between them. */
export function putHexPairs(buf: Uint8Array, at: number, b: Uint8Array, from: number, to: number, sep: number): number {
  for (let i = from; i < to; i++) {
    if (i > from && sep >= 0) buf[at++] = sep;
    buf[at++] = HEX_DIGITS[b[i]! >>> 4]!;
    buf[at++] = HEX_DIGITS[b[i]! & 15]!;
  }
  return at;
}

/** An IPv4 address held as an unsigned 32-bit number, dotted. */
export function putIpv4(buf: Uint8Array, at: number, n: number): number {
  at = putDecimal(buf, at, n >>> 24);
  buf[at++] = 0x2e;
  at = putDecimal(buf, at, (n >>> 16) & 255);
  buf[at++] = 0x2e;
  at = putDecimal(buf, at, (n >>> 8) & 255);
  buf[at++] = 0x2e;
  return putDecimal(buf, at, n & 255);
}

/** Bytes copied as they are. */
export function putBytes(buf: Uint8Array, at: number, b: Uint8Array): number {
  const n = b.length;
  // Below 16 bytes a loop beats set()'s call; from there on set() wins (a tenth of -V's time when lines were copied by the loop).
  if (n < 16) {
    for (let i = 0; i < n; i++) buf[at++] = b[i]!;
    return at;
  }
  buf.set(b, at);
  return at + n;
}

/** A growing byte buffer that -V's text is written into, packet after packet. */
export class TextBytes {
  buffer: Buffer;
  /** The same bytes as a DataView: compiled line writers (tree-lines.ts) store labels four bytes at a time. */
  view: DataView;
  length = 0;

  constructor(size = 256 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  /** Makes `buffer`, which holds the text so far, the one written into. */
  protected use(buffer: Buffer): void {
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  }

  /** Makes room for n more bytes. */
  room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.use(bigger);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.length = putBytes(this.buffer, this.length, b);
  }

  /** Text as UTF-8. */
  text(s: string): void {
    this.room(3 * s.length);
    this.length += this.buffer.write(s, this.length, 'utf8');
  }

  /** Text from the capture as safeText shows it: printable ASCII, nearly all of it, is copied as it is. */
  safe(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buffer;
    let at = this.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f) {
        this.text(safeText(s));
        return;
      }
      buf[at++] = c;
    }
    this.length = at;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.length++] = b;
  }

  /** A whole non-negative number in decimal. */
  decimal(n: number): void {
    this.room(16);
    this.length = putDecimal(this.buffer, this.length, n);
  }

  /** "0x" and the number's low 32 bits in hex, padded to `digits` (as hexNumber). */
  hex(n: number, digits: number): void {
    this.room(2 + Math.max(8, digits));
    this.length = putHex(this.buffer, this.length, n, digits);
  }

  /** Bytes [from, to) as hex pairs, with `sep` (a byte, or -1 for none) between them. */
  hexPairs(b: Uint8Array, from: number, to: number, sep: number): void {
    this.room(3 * (to - from));
    this.length = putHexPairs(this.buffer, this.length, b, from, to, sep);
  }

  ipv4(n: number): void {
    this.room(15);
    this.length = putIpv4(this.buffer, this.length, n);
  }
}

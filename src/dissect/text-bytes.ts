import { safeText } from '../text/escape.js';

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/** A growing byte buffer that -V's text is written into, packet after packet. */
export class TextBytes {
  buffer: Buffer;
  length = 0;

  constructor(size = 256 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Makes room for n more bytes. */
  room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buffer;
    let at = this.length;
    // Below 16 bytes a loop beats set()'s call; from there on set() wins (a tenth of -V's time when lines were copied by the loop).
    if (n < 16) for (let i = 0; i < n; i++) buf[at++] = b[i]!;
    else {
      buf.set(b, at);
      at += n;
    }
    this.length = at;
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
    const buf = this.buffer;
    if (n < 10) {
      buf[this.length++] = 0x30 + n;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    let at = this.length + digits;
    this.length = at;
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 0x30 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** "0x" and the number's low 32 bits in hex, padded to `digits` (as hexNumber). */
  hex(n: number, digits: number): void {
    n >>>= 0;
    let width = 1;
    while (width < 8 && n >>> (4 * width) !== 0) width++;
    if (width < digits) width = digits;
    this.room(2 + width);
    const buf = this.buffer;
    buf[this.length++] = 0x30;
    buf[this.length++] = 0x78;
    for (let i = width - 1; i >= 0; i--) buf[this.length++] = i >= 8 ? 0x30 : HEX_DIGITS[(n >>> (4 * i)) & 15]!;
  }

  /** Bytes [from, to) as hex pairs, with `sep` (a byte, or -1 for none) between them. */
  hexPairs(b: Uint8Array, from: number, to: number, sep: number): void {
    this.room(3 * (to - from));
    const buf = this.buffer;
    let at = this.length;
    for (let i = from; i < to; i++) {
      if (i > from && sep >= 0) buf[at++] = sep;
      buf[at++] = HEX_DIGITS[b[i]! >>> 4]!;
      buf[at++] = HEX_DIGITS[b[i]! & 15]!;
    }
    this.length = at;
  }

  ipv4(n: number): void {
    this.decimal(n >>> 24);
    this.byte(0x2e);
    this.decimal((n >>> 16) & 255);
    this.byte(0x2e);
    this.decimal((n >>> 8) & 255);
    this.byte(0x2e);
    this.decimal(n & 255);
  }
}

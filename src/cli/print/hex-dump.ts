// tshark's -x layout: offset, 16 bytes in hex, three spaces, the printable ASCII; one line per
// 16 bytes. Written as bytes straight into the output buffer.
const DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const SPACE = 0x20;
const DOT = 0x2e;

/** Bytes hexDumpInto may write for `length` bytes of data (offsets up to 8 digits). */
export function hexDumpBytes(length: number): number {
  return Math.ceil(length / 16) * 77;
}

/**
 * The dump of `data` into `out` from `at`, each line ending in '\n', without a string per line
 * (-x alone does not even dissect the packet). Returns where the dump ends.
 */
export function hexDumpInto(data: Uint8Array, out: Uint8Array, at: number): number {
  for (let off = 0; off < data.length; off += 16) {
    const end = Math.min(off + 16, data.length);
    let digits = 4;
    while (digits < 8 && off >>> (digits * 4) !== 0) digits++;
    for (let d = digits - 1; d >= 0; d--) out[at++] = DIGITS[(off >>> (d * 4)) & 15]!;
    out[at++] = SPACE;
    out[at++] = SPACE;
    for (let i = off; i < off + 16; i++) {
      if (i < end) {
        const b = data[i]!;
        out[at++] = DIGITS[b >> 4]!;
        out[at++] = DIGITS[b & 15]!;
      } else {
        out[at++] = SPACE;
        out[at++] = SPACE;
      }
      if (i < off + 15) out[at++] = SPACE;
    }
    out[at++] = SPACE;
    out[at++] = SPACE;
    out[at++] = SPACE;
    for (let i = off; i < end; i++) {
      const b = data[i]!;
      out[at++] = b >= 0x20 && b < 0x7f ? b : DOT;
    }
    out[at++] = 0x0a;
  }
  return at;
}

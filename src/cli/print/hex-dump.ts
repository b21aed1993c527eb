// tshark's -x layout: offset, 16 bytes in hex, three spaces, the printable ASCII; one line per
// 16 bytes. Written as bytes straight into the output buffer.
const DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const SPACE = 0x20;
const DOT = 0x2e;
const LINE_BYTES = 73;

/** Bytes hexDumpInto may write for `length` bytes of data (offsets up to 8 digits). */
export function hexDumpBytes(length: number): number {
  return Math.ceil(length / 16) * 77;
}

// A full line below offset 0x10000 is built in an aligned scratch line, four data bytes ("hh hh
// hh hh ", twelve characters) at a time as three 32-bit words, then copied: about a fifth
// fewer stores than byte by byte, and -x is mostly this loop. The words' characters:
//   word 1: hi(b0) lo(b0) ' ' hi(b1)   word 2: lo(b1) ' ' hi(b2) lo(b2)   word 3: ' ' hi(b3) lo(b3) ' '
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const word = (c0: number, c1: number, c2: number, c3: number): number =>
  (LITTLE_ENDIAN ? c0 | (c1 << 8) | (c2 << 16) | (c3 << 24) : (c0 << 24) | (c1 << 16) | (c2 << 8) | c3) >>> 0;
const FIRST_HEAD = new Uint32Array(256);
const FIRST_TAIL = new Uint32Array(256);
const SECOND_HEAD = new Uint32Array(256);
const SECOND_TAIL = new Uint32Array(256);
const THIRD = new Uint32Array(256);
const SHOWN = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const hi = DIGITS[b >> 4]!;
  const lo = DIGITS[b & 15]!;
  FIRST_HEAD[b] = word(hi, lo, SPACE, 0);
  FIRST_TAIL[b] = word(0, 0, 0, hi);
  SECOND_HEAD[b] = word(lo, SPACE, 0, 0);
  SECOND_TAIL[b] = word(0, 0, hi, lo);
  THIRD[b] = word(SPACE, hi, lo, SPACE);
  SHOWN[b] = b >= 0x20 && b < 0x7f ? b : DOT;
}
// The line starts at scratch byte 2 so that its hex (line byte 6) starts on a word (scratch byte 8).
const scratch = new ArrayBuffer(80);
const scratchBytes = new Uint8Array(scratch).fill(SPACE);
const scratchWords = new Uint32Array(scratch);
const scratchLine = scratchBytes.subarray(2, 2 + LINE_BYTES);
scratchBytes[2 + LINE_BYTES - 1] = 0x0a;

/**
 * The dump of `data` into `out` from `at`, each line ending in '\n', without a string per line
 * (-x alone does not even dissect the packet). Returns where the dump ends.
 */
export function hexDumpInto(data: Uint8Array, out: Uint8Array, at: number): number {
  const full = Math.min(data.length & ~15, 0x10000);
  let off = 0;
  for (; off < full; off += 16) {
    scratchBytes[2] = DIGITS[off >>> 12]!;
    scratchBytes[3] = DIGITS[(off >>> 8) & 15]!;
    scratchBytes[4] = DIGITS[(off >>> 4) & 15]!;
    scratchBytes[5] = 0x30;
    for (let k = 0, w = 2; k < 16; k += 4, w += 3) {
      const b1 = data[off + k + 1]!;
      const b2 = data[off + k + 2]!;
      scratchWords[w] = FIRST_HEAD[data[off + k]!]! | FIRST_TAIL[b1]!;
      scratchWords[w + 1] = SECOND_HEAD[b1]! | SECOND_TAIL[b2]!;
      scratchWords[w + 2] = THIRD[data[off + k + 3]!]!;
    }
    // Line bytes 54 and 55 are the two spaces that, with word 3's last, separate hex from ASCII.
    for (let k = 0; k < 16; k++) scratchBytes[58 + k] = SHOWN[data[off + k]!]!;
    out.set(scratchLine, at);
    at += LINE_BYTES;
  }
  for (; off < data.length; off += 16) at = lineInto(data, off, out, at);
  return at;
}

/** One line, any offset, full or not. */
function lineInto(data: Uint8Array, off: number, out: Uint8Array, at: number): number {
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
  for (let i = off; i < end; i++) out[at++] = SHOWN[data[i]!]!;
  out[at++] = 0x0a;
  return at;
}

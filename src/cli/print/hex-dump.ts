// tshark's -x layout: offset, 16 bytes in hex, three spaces, the printable ASCII; one line per
// 16 bytes. Written as bytes straight into the output buffer.
const DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const SPACE = 0x20;
const DOT = 0x2e;

/** Bytes hexDumpInto may write for `length` bytes of data (offsets up to 8 digits). */
export function hexDumpBytes(length: number): number {
  return Math.ceil(length / 16) * 77;
}

// A full line below offset 0x10000 is written four data bytes at a time: their hex ("hh hh hh
// hh ", twelve characters) as three 32-bit words and their ASCII as one, through a DataView
// (little-endian, unaligned): a quarter of the stores of byte by byte, and -x is mostly this
// loop. The words' characters, first to last:
//   1: hi(b0) lo(b0) ' ' hi(b1)   2: lo(b1) ' ' hi(b2) lo(b2)   3: ' ' hi(b3) lo(b3) ' '
const word = (c0: number, c1: number, c2: number, c3: number): number => (c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)) >>> 0;
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

const KEPT_VIEW_BYTES = 4 * 1024 * 1024;
let viewed: Uint8Array | undefined;
let view: DataView | undefined;

function viewOf(out: Uint8Array): DataView {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (out.byteLength <= KEPT_VIEW_BYTES) {
    viewed = out;
    view = dv;
  }
  return dv;
}

/**
 * The dump of `data` into `out` from `at`, each line ending in '\n', without a string per line
 * (-x alone does not even dissect the packet). Returns where the dump ends.
 */
export function hexDumpInto(data: Uint8Array, out: Uint8Array, at: number): number {
  // The output buffer is the same from packet to packet: one DataView serves them all. (Not
  // kept for a larger one-off buffer, made for a frame bigger than the output's: it would stay.)
  const dv = out === viewed && view ? view : viewOf(out);
  const full = Math.min(data.length & ~15, 0x10000);
  let off = 0;
  for (; off < full; off += 16) {
    out[at] = DIGITS[off >>> 12]!;
    out[at + 1] = DIGITS[(off >>> 8) & 15]!;
    out[at + 2] = DIGITS[(off >>> 4) & 15]!;
    out[at + 3] = 0x30;
    out[at + 4] = SPACE;
    out[at + 5] = SPACE;
    let p = at + 6;
    for (let k = off; k < off + 16; k += 4, p += 12) {
      const b1 = data[k + 1]!;
      const b2 = data[k + 2]!;
      dv.setUint32(p, FIRST_HEAD[data[k]!]! | FIRST_TAIL[b1]!, true);
      dv.setUint32(p + 4, SECOND_HEAD[b1]! | SECOND_TAIL[b2]!, true);
      dv.setUint32(p + 8, THIRD[data[k + 3]!]!, true);
    }
    // With the third word's last space, three spaces between the hex and the ASCII.
    out[p] = SPACE;
    out[p + 1] = SPACE;
    p += 2;
    for (let k = off; k < off + 16; k += 4, p += 4) {
      dv.setUint32(p, SHOWN[data[k]!]! | (SHOWN[data[k + 1]!]! << 8) | (SHOWN[data[k + 2]!]! << 16) | (SHOWN[data[k + 3]!]! << 24), true);
    }
    out[p] = 0x0a;
    at = p + 1;
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

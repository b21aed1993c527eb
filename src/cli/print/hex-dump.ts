const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Each byte as the ASCII column shows it: printable ASCII as itself, anything else as '.'. */
const SHOWN = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
const OFFSETS = Array.from({ length: 4096 }, (_, i) => (i * 16).toString(16).padStart(4, '0'));

/** tshark's -x layout: offset, 16 bytes, three spaces, the printable ASCII. */
export function hexDump(data: Uint8Array): string[] {
  return data.length ? hexDumpText(data).split('\n') : [];
}

/** hexDump as one string, lines separated by '\n' (no final newline): one piece of output per packet. */
export function hexDumpText(data: Uint8Array): string {
  let text = '';
  for (let off = 0; off < data.length; off += 16) {
    const end = Math.min(off + 16, data.length);
    let hex = HEX[data[off]!]!;
    let ascii = SHOWN[data[off]!]!;
    for (let i = off + 1; i < end; i++) {
      hex += ' ' + HEX[data[i]!]!;
      ascii += SHOWN[data[i]!]!;
    }
    const row = off >>> 4;
    text += `${off ? '\n' : ''}${row < OFFSETS.length ? OFFSETS[row] : off.toString(16).padStart(4, '0')}  ${end - off === 16 ? hex : hex.padEnd(47)}   ${ascii}`;
  }
  return text;
}

const DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const SPACE = 0x20;
const DOT = 0x2e;

/** Bytes hexDumpInto may write for `length` bytes of data (offsets up to 8 digits). */
export function hexDumpBytes(length: number): number {
  return Math.ceil(length / 16) * 77;
}

/**
 * hexDumpText straight into a byte buffer, each line ending in '\n': the -x fast path, which
 * neither dissects the packet nor builds a string per line. Returns where the dump ends.
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

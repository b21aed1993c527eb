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
